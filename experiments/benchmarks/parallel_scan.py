r"""Parallel (associative) scan vs sequential scan for the state-linear cells, versus T.

For each T and each state-linear cell (``mingru``, ``minlstm``, ``lru``, ``rglru``), one layer
``[B, T, D] -> [B, T, H]``, compiles ``jax.grad`` of ``sum(ys^2)`` with respect to params and
inputs (fwd+bwd) for ``recurrence.scan(impl="scan")`` and ``impl="parallel"``, and the fused
LSTM (``impl="fused"``) as the reference of the built-in cells. Prints, from one run:

* fwd+bwd tokens/s (median of ``--repeats`` timed calls after a warm-up) and the ratio
  parallel / scan (> 1: the parallel scan is faster);
* compiled temp memory (``memory_analysis().temp_size_in_bytes``, deterministic), and the
  ratio parallel / scan;
* compile seconds (``lower().compile()``) of each.

Runs unchanged on CPU, GPU or TPU (whatever ``jax.default_backend()`` is).

Usage::

  python experiments/benchmarks/parallel_scan.py                      # T = 64 ... 16384
  python experiments/benchmarks/parallel_scan.py --batch=16 --hidden=256 --steps=256,4096
  python experiments/benchmarks/parallel_scan.py --smoke              # tiny, seconds
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

LINEAR_CELLS = ("mingru", "minlstm", "lru", "rglru")
DEFAULT_STEPS = (64, 256, 1024, 4096, 16384)


def compile_grad(cell, impl, params, xs):
  """``(compiled fwd+bwd, compile seconds, temp bytes)``."""
  def loss(p, x):
    return jnp.sum(jnp.square(recurrence.scan(cell, p, x, impl=impl)[1].astype(jnp.float32)))

  start = time.perf_counter()
  compiled = jax.jit(jax.grad(loss, argnums=(0, 1))).lower(params, xs).compile()
  seconds = time.perf_counter() - start
  memory = compiled.memory_analysis()
  temp = None if memory is None else int(memory.temp_size_in_bytes)
  return compiled, seconds, temp


def time_call(compiled, params, xs, repeats):
  jax.block_until_ready(compiled(params, xs))  # warm-up
  times = []
  for _ in range(repeats):
    start = time.perf_counter()
    jax.block_until_ready(compiled(params, xs))
    times.append(time.perf_counter() - start)
  return statistics.median(times)


def measure(name, impl, steps, args):
  cell = cells.make_cell(name, hidden_size=args.hidden)
  key = jax.random.key(0)
  params = cell.init(key, args.input)
  xs = jax.random.normal(jax.random.fold_in(key, 1), (args.batch, steps, args.input))
  compiled, compile_s, temp = compile_grad(cell, impl, params, xs)
  seconds = time_call(compiled, params, xs, args.repeats)
  return {"cell": name, "impl": impl, "steps": steps, "tokens_per_s": args.batch * steps / seconds,
          "compile_s": compile_s, "temp_bytes": temp}


def fmt_mb(value):
  return "n/a" if value is None else f"{value / 2 ** 20:.1f}"


def ratio(a, b):
  return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--batch", type=int, default=8)
  parser.add_argument("--hidden", type=int, default=64)
  parser.add_argument("--input", type=int, default=64)
  parser.add_argument("--steps", default=",".join(map(str, DEFAULT_STEPS)),
                      help="comma-separated sequence lengths T")
  parser.add_argument("--cells", default=",".join(LINEAR_CELLS))
  parser.add_argument("--repeats", type=int, default=3)
  parser.add_argument("--smoke", action="store_true", help="tiny sizes (seconds), for tests")
  parser.add_argument("--json", default="", help="also write the rows here")
  args = parser.parse_args(argv)
  if args.smoke:
    args.batch, args.hidden, args.input, args.repeats = 2, 8, 4, 1
    args.steps = "16,64"
  steps_list = [int(s) for s in args.steps.split(",")]
  names = [n for n in args.cells.split(",") if n]
  for name in names:
    if name not in LINEAR_CELLS:
      raise ValueError(f"--cells: {name!r}; allowed: {LINEAR_CELLS}")
  print(f"backend={jax.default_backend()} devices={jax.devices()} B={args.batch} "
        f"D={args.input} H={args.hidden} repeats={args.repeats}")
  rows = []
  header = ("| T | cell | scan tok/s | parallel tok/s | parallel/scan speed | scan MB | "
            "parallel MB | parallel/scan memory | compile s scan | compile s parallel |")
  print(header)
  print("|" + "---|" * (header.count("|") - 1))
  for steps in steps_list:
    lstm = measure("lstm", "fused", steps, args)
    rows.append(lstm)
    print(f"| {steps} | lstm (fused) | {lstm['tokens_per_s']:.0f} | | | {fmt_mb(lstm['temp_bytes'])} "
          f"| | | {lstm['compile_s']:.2f} | |", flush=True)
    for name in names:
      seq = measure(name, "scan", steps, args)
      par = measure(name, "parallel", steps, args)
      rows += [seq, par]
      print(f"| {steps} | {name} | {seq['tokens_per_s']:.0f} | {par['tokens_per_s']:.0f} | "
            f"{ratio(par['tokens_per_s'], seq['tokens_per_s'])} | {fmt_mb(seq['temp_bytes'])} | "
            f"{fmt_mb(par['temp_bytes'])} | {ratio(par['temp_bytes'], seq['temp_bytes'])} | "
            f"{seq['compile_s']:.2f} | {par['compile_s']:.2f} |", flush=True)
  if args.json:
    with open(args.json, "w") as f:
      json.dump({"backend": jax.default_backend(), "args": vars(args), "rows": rows}, f, indent=1)
  return rows


if __name__ == "__main__":
  main()
