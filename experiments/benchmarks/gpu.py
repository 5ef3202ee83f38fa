r"""The prepared GPU benchmark: one command, one table (and JSON), within 8 minutes on one GPU.

Written for an H100/H200-class GPU (none was available when it was written; ``--smoke`` runs
it at tiny sizes on the CPU in ``make test`` so that it keeps working). Two parts, measured
with the code of ``recurrent_core.py`` (runners, interleaved medians, compiled memory):

1. **Recurrent layers**, fwd+bwd tokens/s, LSTM and GRU, float32 and bfloat16, at research
   sizes (B=64, T=256, D=H=1024, 2 layers): rnnlab fused (``impl="auto"``, the default),
   rnnlab plain scan, rnnlab through cuDNN (``kernels.cudnn_lstm``: LSTM, float32; what
   ``impl="auto"`` would run with ``RNNLAB_CUDNN_LSTM=1``), ``flax.linen.RNN``
   (``OptimizedLSTMCell`` / ``GRUCell``), PyTorch ``nn.LSTM``/``nn.GRU`` on ``cuda`` (cuDNN)
   and ``jax.experimental.rnn.lstm`` (cuDNN through JAX). The reference ratio is "x torch".
2. **Parallel scans**: every state-linear cell rnnlab has (``mingru``, ``minlstm``, ``lru``,
   ``rglru``, where present with ``impl="parallel"``), ``impl="parallel"`` against its own
   sequential ``impl="scan"`` at T = 1k, 4k, 16k, 64k (B=16, D=H=256, float32, one layer).
   The reference ratio is "x scan".

Every row carries the compiled program's temporary memory (``memory_analysis()``; "-" where
it is not a JAX program). An implementation that cannot run here is a row saying why.
``--budget_s`` (default 420 s) stops starting new cases when spent (each skipped case is a
row), so the command ends within 8 minutes.

Usage::

  python experiments/benchmarks/gpu.py --json=gpu.json
  python experiments/benchmarks/gpu.py --smoke            # tiny sizes, any backend (CPU)

The result decides ``kernels.cudnn_lstm.ENABLED``: if "rnnlab-cudnn" beats "rnnlab" for the
float32 LSTM, cuDNN should become the default on GPU.
"""
import argparse
import json
import os
import sys
import time
from typing import Callable

import jax
import jax.numpy as jnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recurrent_core as core  # noqa: E402  (the shared measuring code)
from rnnlab import cells, recurrence  # noqa: E402
from rnnlab.kernels import cudnn_lstm  # noqa: E402

PARALLEL_CELLS = ("mingru", "minlstm", "lru", "rglru")

FULL = dict(batch=64, steps=256, hidden=1024, layers=2, rounds=3, calls=3, gemm_size=8192,
            scan_batch=16, scan_hidden=256, scan_steps=(1024, 4096, 16384, 65536),
            scan_rounds=2, scan_calls=1)
SMOKE = dict(batch=2, steps=8, hidden=16, layers=2, rounds=1, calls=1, gemm_size=64,
             scan_batch=2, scan_hidden=8, scan_steps=(16, 64), scan_rounds=1, scan_calls=1)


def _first_line(error: Exception) -> str:
  text = str(error).strip().splitlines()
  return f"{type(error).__name__}: {text[0] if text else ''}"[:160]


# ---- part 1: recurrent layers ------------------------------------------------------------


def rnnlab_cudnn_runner(case: core.Case) -> Callable[[], None]:
  """A stack of ``kernels.cudnn_lstm`` layers: the path ``impl="auto"`` takes when enabled."""
  cell = cells.LSTM(case.hidden)
  key = jax.random.key(0)
  sizes = recurrence.layer_input_sizes([cell] * case.layers, case.input_size, False)
  params = [cell.init(jax.random.fold_in(key, layer), d) for layer, d in enumerate(sizes)]
  xs = jax.random.normal(jax.random.fold_in(key, 99), (case.batch, case.steps, case.input_size))

  def loss(params, xs):
    h = jnp.swapaxes(xs, 0, 1)
    for p in params:
      _, h = cudnn_lstm.cudnn_lstm(cell, p, h, cell.initial_state((case.batch,)), None)
    return jnp.sum(h)

  return core.compiled_runner(jax.grad(loss, argnums=(0, 1)), params, xs)


Builder = Callable[[], Callable[[], None]]


def layer_builders(case: core.Case, smoke: bool) -> dict[str, Builder | str]:
  """Implementation -> a builder of its runner, or the reason it is skipped."""
  builders: dict[str, Builder | str] = {
      "rnnlab": lambda: core.rnnlab_runner(case, "auto", 1),
      "rnnlab-scan": lambda: core.rnnlab_runner(case, "scan", 1),
  }
  cudnn_reason = None
  if case.cell != "lstm":
    cudnn_reason = "cuDNN through JAX has only the LSTM"
  elif case.dtype != "float32":
    cudnn_reason = "jax.experimental.rnn supports float32 only"
  elif not cudnn_lstm.available():
    cudnn_reason = f"no cuDNN RNN on backend {jax.default_backend()!r}"
  if case.cell == "lstm":
    builders["rnnlab-cudnn"] = cudnn_reason or (lambda: rnnlab_cudnn_runner(case))
  builders["flax"] = lambda: core.flax_runner(case, 1)
  try:
    import torch  # pylint: disable=import-outside-toplevel
    if torch.cuda.is_available():
      builders["torch"] = lambda: core.torch_runner(case, "cuda")
    elif smoke:
      builders["torch"] = lambda: core.torch_runner(case, "cpu")  # the code path, on CPU
    else:
      builders["torch"] = f"torch {torch.__version__} has no CUDA device"
  except ImportError:
    builders["torch"] = "torch not installed"
  if case.cell == "lstm":
    builders["jax-cudnn"] = cudnn_reason or (lambda: core.jax_cudnn_runner(case))
  return builders


def layer_rows(case: core.Case, settings: dict, smoke: bool) -> list[dict]:
  runners, skipped = {}, []
  for name, builder in layer_builders(case, smoke).items():
    if isinstance(builder, str):
      skipped.append((name, builder))
      continue
    try:
      run = builder()
      run()  # fails here rather than inside the timed rounds
      runners[name] = run
    except Exception as error:  # pylint: disable=broad-except  (a row says why)
      skipped.append((name, _first_line(error)))
  rows = core.run_case(case, [], settings["rounds"], settings["calls"], settings["gemm_size"], 1,
                       [], "wall", runners=runners) if runners else []
  reference = "torch" if "torch" in runners else "rnnlab"
  for row in rows:
    row["part"], row["reference"] = "layers", reference
    row["x_reference"] = 1.0 if row["implementation"] == reference else row.get(f"x_{reference}")
  rows += [{"part": "layers", "case": case.label, "implementation": name, "skipped": reason}
           for name, reason in skipped]
  return rows


# ---- part 2: parallel scans against their sequential scan -------------------------------------


def parallel_cells() -> tuple[list[str], str | None]:
  """The state-linear cells rnnlab has, or the reason there are none."""
  if "parallel" not in recurrence.IMPLS:
    return [], "rnnlab has no impl='parallel' (the parallel-recurrence cells have not landed)"
  names = [name for name in PARALLEL_CELLS if name in cells.CELLS]
  return names, None if names else f"none of {PARALLEL_CELLS} is registered in rnnlab.cells"


def scan_runner(name: str, impl: str, batch: int, steps: int, hidden: int) -> Callable[[], None]:
  cell = cells.make_cell(name, hidden_size=hidden)
  params = cell.init(jax.random.key(0), hidden)
  xs = jax.random.normal(jax.random.key(1), (batch, steps, hidden))

  def loss(params, xs):
    _, ys = recurrence.scan(cell, params, xs, impl=impl)
    return jnp.sum(jnp.real(ys).astype(jnp.float32))

  return core.compiled_runner(jax.grad(loss, argnums=(0, 1)), params, xs)


def parallel_rows(name: str, steps: int, settings: dict) -> list[dict]:
  batch, hidden = settings["scan_batch"], settings["scan_hidden"]
  label = f"{name} B={batch} T={steps} D={hidden} H={hidden} L=1 float32"
  runners, skipped = {}, []
  for impl in ("parallel", "scan"):
    try:
      run = scan_runner(name, impl, batch, steps, hidden)
      run()
      runners[impl] = run
    except Exception as error:  # pylint: disable=broad-except  (a row says why)
      skipped.append({"part": "parallel", "case": label, "implementation": f"rnnlab {impl}",
                      "skipped": _first_line(error)})
  seconds = (core.measure(runners, settings["scan_rounds"], settings["scan_calls"]) if runners
             else {})
  rows = [{"part": "parallel", "case": label, "implementation": f"rnnlab {impl}",
           "tokens_per_s": batch * steps / sec, "ms_per_call": 1e3 * sec, "reference": "scan",
           "x_reference": seconds["scan"] / sec if "scan" in seconds else None,
           "temp_bytes": runners[impl].temp_bytes} for impl, sec in seconds.items()]
  return rows + skipped


# ---- one table ------------------------------------------------------------------------------


def format_table(rows: list[dict]) -> str:
  head = ["case", "implementation", "tokens/s", "ms/call", "x reference", "temp MiB", "note"]
  lines = []
  for r in rows:
    if "skipped" in r:
      lines.append([r["case"], r["implementation"], "-", "-", "-", "-", f"skipped: {r['skipped']}"])
      continue
    ratio = "-" if r.get("x_reference") is None else f"{r['x_reference']:.2f} x {r['reference']}"
    temp = "-" if r.get("temp_bytes") is None else f"{r['temp_bytes'] / 2**20:,.0f}"
    lines.append([r["case"], r["implementation"], f"{r['tokens_per_s']:,.0f}",
                  f"{r['ms_per_call']:.2f}", ratio, temp, ""])
  widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
  fmt = lambda cells_: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells_, widths)) + " |"
  return "\n".join([fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                   + [fmt(line) for line in lines])


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--smoke", action="store_true", help="tiny sizes (CPU smoke test)")
  parser.add_argument("--budget_s", type=float, default=420.0,
                      help="start no new case after this many seconds")
  parser.add_argument("--json", default=None, help="also write rows + machine as JSON here")
  args = parser.parse_args(argv)
  settings = SMOKE if args.smoke else FULL
  start = time.perf_counter()
  rows, notes = [], []

  def out_of_time(label: str, implementation: str) -> bool:
    if time.perf_counter() - start < args.budget_s:
      return False
    rows.append({"part": "budget", "case": label, "implementation": implementation,
                 "skipped": f"time budget of {args.budget_s:.0f} s spent"})
    return True

  if jax.default_backend() != "gpu" and not args.smoke:
    notes.append(f"backend is {jax.default_backend()!r}, not a GPU: these are not GPU figures")
  for cell in ("lstm", "gru"):
    for dtype in ("float32", "bfloat16"):
      h = settings["hidden"]
      case = core.Case(cell, settings["batch"], settings["steps"], h, h, settings["layers"], 1,
                       dtype)
      if not out_of_time(case.label, "all"):
        rows += layer_rows(case, settings, args.smoke)
  names, reason = parallel_cells()
  if reason:
    rows.append({"part": "parallel", "case": "parallel-scan cells", "implementation": "-",
                 "skipped": reason})
  for steps in settings["scan_steps"]:
    for name in names:
      if not out_of_time(f"{name} T={steps}", "parallel, scan"):
        rows += parallel_rows(name, steps, settings)
  machine = core.machine_description()
  print(f"device: {jax.devices()[0].device_kind} ({len(machine['devices'])} device(s)), backend "
        f"{machine['backend']}, jax {machine['jax']}, torch {machine.get('torch', 'absent')}, "
        f"host CPU {machine['cpu_model']}; {time.perf_counter() - start:.0f} s")
  print("fwd+bwd, medians of interleaved calls (wall clock); 'x reference' = tokens/s ratio "
        "to the reference implementation of the case; temp MiB = compiled temporary memory")
  print(format_table(rows))
  for note in notes:
    print(f"note: {note}")
  if args.json:
    with open(args.json, "w") as f:
      json.dump({"machine": machine, "settings": {k: list(v) if isinstance(v, tuple) else v
                                                  for k, v in settings.items()},
                 "smoke": args.smoke, "notes": notes, "rows": rows}, f, indent=1)


if __name__ == "__main__":
  main()
