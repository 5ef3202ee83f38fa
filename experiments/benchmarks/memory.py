r"""BPTT memory with and without remat, read from the compiled program (deterministic).

For one LSTM/GRU/Elman layer (default: LSTM, B=32, T=8192, D=H=512, float32), compiles
``jax.grad`` of ``sum(ys)`` with respect to params and inputs and prints
``memory_analysis().temp_size_in_bytes`` for:

* ``fused``          ``recurrence.scan(impl="auto")``: the fused BPTT kernel, no remat
* ``scan``           ``recurrence.scan(impl="scan")``: plain ``lax.scan``, no remat
* ``scan remat``     ``recurrence.scan(remat=True)``: whatever remat ``recurrence.scan`` does
* ``chunked remat``  ``kernels.chunked_remat_scan`` with the fused kernel inside (projection
  inside checkpointed chunks of ``default_chunk(T)`` steps)

and each one's ratio to ``fused`` (the default path). Nothing is executed, only compiled.

Usage::

  python experiments/benchmarks/memory.py
  python experiments/benchmarks/memory.py --cell=gru --steps=4096 --json=/tmp/memory.json
"""
import argparse
import json
import os
import sys

import jax
import jax.numpy as jnp

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
from rnnlab import cells, kernels, recurrence  # noqa: E402

CELLS = {"lstm": cells.LSTM, "gru": cells.GRU, "elman": cells.Elman}


def temp_bytes(run, params, xs) -> int:
  grad = jax.jit(jax.grad(lambda p, x: jnp.sum(run(p, x).astype(jnp.float32)), argnums=(0, 1)))
  return grad.lower(params, xs).compile().memory_analysis().temp_size_in_bytes


def variants(cell):
  fused = kernels.find_fused(cell)

  def chunked(p, x):
    xs_tm = jnp.swapaxes(x, 0, 1)
    state0 = cell.initial_state((x.shape[0],))
    _, ys = kernels.chunked_remat_scan(cell, p, xs_tm, state0, None, inner=fused)
    return jnp.swapaxes(ys, 0, 1)

  return {
      "fused": lambda p, x: recurrence.scan(cell, p, x, impl="auto")[1],
      "scan": lambda p, x: recurrence.scan(cell, p, x, impl="scan")[1],
      "scan remat": lambda p, x: recurrence.scan(cell, p, x, remat=True)[1],
      "chunked remat": chunked,
  }


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--cell", choices=sorted(CELLS), default="lstm")
  parser.add_argument("--batch", type=int, default=32)
  parser.add_argument("--steps", type=int, default=8192)
  parser.add_argument("--input_size", type=int, default=512)
  parser.add_argument("--hidden", type=int, default=512)
  parser.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32")
  parser.add_argument("--json", default=None)
  args = parser.parse_args(argv)
  cell = CELLS[args.cell](args.hidden, dtype=jnp.dtype(args.dtype))
  params = jax.eval_shape(lambda: cell.init(jax.random.key(0), args.input_size))
  xs = jax.ShapeDtypeStruct((args.batch, args.steps, args.input_size), jnp.dtype(args.dtype))
  rows = {name: temp_bytes(run, params, xs) for name, run in variants(cell).items()}
  print(f"{args.cell} B={args.batch} T={args.steps} D={args.input_size} H={args.hidden} {args.dtype}: "
        f"compiled temp memory of grad(sum(ys)) wrt (params, xs)")
  print("| variant | temp MiB | / fused |")
  print("|---|---|---|")
  for name, size in rows.items():
    print(f"| {name} | {size / 2**20:,.0f} | {size / rows['fused']:.3f} |")
  if args.json:
    with open(args.json, "w") as f:
      json.dump({"args": vars(args), "temp_bytes": rows}, f, indent=1)


if __name__ == "__main__":
  main()
