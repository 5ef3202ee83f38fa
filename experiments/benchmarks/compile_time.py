r"""Compile time of the fused fwd+bwd versus sequence length (should not grow with T).

Times ``jax.jit(jax.grad(loss)).lower(...).compile()`` (tracing + XLA compilation, nothing
executed) of one layer for each T, repeated ``--repeats`` times on fresh functions, median.

Usage::

  python experiments/benchmarks/compile_time.py                     # T=64 vs T=4096
  python experiments/benchmarks/compile_time.py --cells=lstm --steps=64,1024,4096 --unroll=2
"""
import argparse
import json
import os
import statistics
import sys
import time

import jax
import jax.numpy as jnp

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
from rnnlab import cells, recurrence  # noqa: E402

CELLS = {"lstm": cells.LSTM, "gru": cells.GRU, "elman": cells.Elman}


def compile_seconds(cell, steps, args) -> float:
  params = jax.eval_shape(lambda: cell.init(jax.random.key(0), args.input_size))
  xs = jax.ShapeDtypeStruct((args.batch, steps, args.input_size), jnp.float32)
  times = []
  for _ in range(args.repeats):
    # A fresh closure each time, so nothing comes from JAX's tracing/compilation caches.
    def loss(p, x, _fresh=object()):
      return jnp.sum(recurrence.scan(cell, p, x, unroll=args.unroll, impl=args.impl)[1])
    start = time.perf_counter()
    jax.jit(jax.grad(loss, argnums=(0, 1))).lower(params, xs).compile()
    times.append(time.perf_counter() - start)
  return statistics.median(times)


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--cells", default="lstm,gru,elman")
  parser.add_argument("--steps", default="64,4096")
  parser.add_argument("--batch", type=int, default=32)
  parser.add_argument("--input_size", type=int, default=512)
  parser.add_argument("--hidden", type=int, default=512)
  parser.add_argument("--unroll", type=int, default=1)
  parser.add_argument("--impl", choices=["auto", "scan"], default="auto")
  parser.add_argument("--repeats", type=int, default=3)
  parser.add_argument("--json", default=None)
  args = parser.parse_args(argv)
  steps = [int(t) for t in args.steps.split(",")]
  names = args.cells.split(",")
  for name in names:
    if name not in CELLS:
      parser.error(f"--cells: unknown cell {name!r}; allowed: {sorted(CELLS)}")
  rows = []
  for name in names:
    cell = CELLS[name](args.hidden)
    secs = {t: compile_seconds(cell, t, args) for t in steps}
    rows.append({"cell": name, "seconds": secs, "ratio_longest_to_shortest": secs[max(steps)] / secs[min(steps)]})
  print(f"compile time (s) of grad(sum(ys)), B={args.batch} D={args.input_size} H={args.hidden} "
        f"impl={args.impl} unroll={args.unroll}, median of {args.repeats}")
  print("| cell | " + " | ".join(f"T={t}" for t in steps) + f" | T={max(steps)} / T={min(steps)} |")
  print("|---|" + "---|" * (len(steps) + 1))
  for r in rows:
    print(f"| {r['cell']} | " + " | ".join(f"{r['seconds'][t]:.2f}" for t in steps)
          + f" | {r['ratio_longest_to_shortest']:.2f} |")
  if args.json:
    with open(args.json, "w") as f:
      json.dump({"args": vars(args), "rows": rows}, f, indent=1)


if __name__ == "__main__":
  main()
