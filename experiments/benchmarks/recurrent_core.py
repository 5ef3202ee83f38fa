r"""Recurrent-core benchmark: one layer (or stack) forward + backward, side by side.

Implementations measured in the same run, interleaved round by round (machines are noisy;
each figure is the median over all timed calls):

* ``rnnlab``       ``recurrence.scan/stack/bidirectional`` with ``impl="auto"`` (fused BPTT)
* ``rnnlab-scan``  the same with ``impl="scan"`` (plain ``lax.scan``, input projection hoisted)
* ``flax``         ``flax.linen.RNN`` over ``OptimizedLSTMCell`` / ``GRUCell`` / ``SimpleCell``
* ``torch``        ``torch.nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` (CPU; cuDNN on a GPU), if installed
* ``jax-cudnn``    ``jax.experimental.rnn.lstm`` (GPU only, LSTM only; untested: written for
  GPU machines, none was available when this was written)
* ``matmul-floor`` (single unidirectional layers) the same matmuls as a fused fwd+bwd, in
  the same order and with the same step-to-step dependence, but with almost no element-wise
  work: the input projection GEMM, T ``h @ w_h`` steps, T ``dz @ w_h^T`` steps and the three
  backward GEMMs. It bounds what any XLA implementation of the layer can reach on this
  machine: if it is slower than a peer, so is every rnnlab kernel.
* ``gemm``         a large ``[N, N] @ [N, N]`` matmul in JAX, the machine's attainable GFLOP/s

Work counted (the same for every implementation): the matmul FLOPs of forward + backward,
``3 * 2 * B * T * (D_in + H) * G`` per layer and direction (G = gates * H); element-wise gate
arithmetic is not counted. tokens/s = B * T / seconds per fwd+bwd call.

Usage::

  python experiments/benchmarks/recurrent_core.py                       # LSTM/GRU/Elman, H=512
  python experiments/benchmarks/recurrent_core.py --cells=lstm --hidden=256,1024
  python experiments/benchmarks/recurrent_core.py --cells=lstm --layers=2 --directions=2
  python experiments/benchmarks/recurrent_core.py --quick --json=/tmp/bench.json

  # single-threaded work comparison, robust to other processes on the machine:
  XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" taskset -c 0 \
    python experiments/benchmarks/recurrent_core.py --clock=process --torch_threads=1
"""
import argparse
import dataclasses
import itertools
import json
import os
import platform
import statistics
import sys
import time
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
from rnnlab import cells, recurrence  # noqa: E402

NUM_GATES = {"lstm": 4, "gru": 3, "elman": 1}
RNNLAB_CELLS = {"lstm": cells.LSTM, "gru": cells.GRU, "elman": cells.Elman}


@dataclasses.dataclass(frozen=True)
class Case:
  cell: str
  batch: int
  steps: int
  input_size: int
  hidden: int
  layers: int
  directions: int
  dtype: str

  @property
  def label(self) -> str:
    return (f"{self.cell} B={self.batch} T={self.steps} D={self.input_size} H={self.hidden} "
            f"L={self.layers}{' bidir' if self.directions == 2 else ''} {self.dtype}")

  def flops(self) -> float:
    """Matmul FLOPs of one forward + backward pass (3x the forward's)."""
    g = NUM_GATES[self.cell] * self.hidden
    total = 0.0
    d_in = self.input_size
    for _ in range(self.layers):
      total += self.directions * 3 * 2 * self.batch * self.steps * (d_in + self.hidden) * g
      d_in = self.hidden * self.directions
    return total


def _block(tree):
  return jax.block_until_ready(tree)


# ---- implementations: each builder returns a zero-argument fwd+bwd callable ------------------


def rnnlab_runner(case: Case, impl: str, unroll: int) -> Callable[[], None]:
  dtype = jnp.dtype(case.dtype)
  cell = RNNLAB_CELLS[case.cell](case.hidden, dtype=dtype)
  key = jax.random.key(0)
  sizes = recurrence.layer_input_sizes([cell] * case.layers, case.input_size, case.directions == 2)
  params = []
  for layer, d_in in enumerate(sizes):
    k = jax.random.fold_in(key, layer)
    p = cell.init(k, d_in)
    params.append({"forward": p, "backward": cell.init(jax.random.fold_in(k, 1), d_in)}
                  if case.directions == 2 else p)
  xs = jax.random.normal(jax.random.fold_in(key, 99), (case.batch, case.steps, case.input_size),
                         dtype)

  def loss(params, xs):
    _, ys = recurrence.stack([cell] * case.layers, params, xs, unroll=unroll, impl=impl,
                             bidirectional_layers=case.directions == 2)
    return jnp.sum(ys.astype(jnp.float32))

  grad = jax.jit(jax.grad(loss, argnums=(0, 1)))
  return lambda: _block(grad(params, xs))


def flax_runner(case: Case, unroll: int) -> Callable[[], None]:
  import flax.linen as nn  # pylint: disable=g-import-not-at-top

  dtype = jnp.dtype(case.dtype)
  make_cell = {"lstm": nn.OptimizedLSTMCell, "gru": nn.GRUCell, "elman": nn.SimpleCell}[case.cell]

  class Model(nn.Module):

    @nn.compact
    def __call__(self, xs):
      for _ in range(case.layers):
        def layer():
          return nn.RNN(make_cell(case.hidden, dtype=dtype), unroll=unroll)
        xs = nn.Bidirectional(layer(), layer())(xs) if case.directions == 2 else layer()(xs)
      return xs

  model = Model()
  xs = jax.random.normal(jax.random.key(1), (case.batch, case.steps, case.input_size), dtype)
  params = model.init(jax.random.key(0), xs)

  def loss(params, xs):
    return jnp.sum(model.apply(params, xs).astype(jnp.float32))

  grad = jax.jit(jax.grad(loss, argnums=(0, 1)))
  return lambda: _block(grad(params, xs))


def torch_runner(case: Case, device: str) -> Callable[[], None]:
  import torch  # pylint: disable=g-import-not-at-top

  dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[case.dtype]
  make = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "elman": torch.nn.RNN}[case.cell]
  module = make(case.input_size, case.hidden, num_layers=case.layers, batch_first=True,
                bidirectional=case.directions == 2).to(device=device, dtype=dtype)
  xs = torch.randn(case.batch, case.steps, case.input_size, device=device, dtype=dtype,
                   requires_grad=True)

  def run():
    module.zero_grad(set_to_none=True)
    xs.grad = None
    ys, _ = module(xs)
    ys.float().sum().backward()
    if device != "cpu":
      torch.cuda.synchronize()

  return run


def jax_cudnn_runner(case: Case) -> Callable[[], None]:
  """``jax.experimental.rnn.lstm`` (cuDNN). GPU only; untested on the machines used so far."""
  from jax.experimental import rnn as jax_rnn  # pylint: disable=g-import-not-at-top

  dtype = jnp.dtype(case.dtype)
  bidirectional = case.directions == 2
  weights = jax_rnn.init_lstm_weight(jax.random.key(0), case.input_size, case.hidden,
                                     case.layers, bidirectional).astype(dtype)
  xs = jax.random.normal(jax.random.key(1), (case.batch, case.steps, case.input_size), dtype)
  state_shape = (case.layers * case.directions, case.batch, case.hidden)
  h0 = jnp.zeros(state_shape, dtype)
  c0 = jnp.zeros(state_shape, dtype)
  lengths = jnp.full((case.batch,), case.steps, jnp.int32)

  def loss(weights, xs):
    ys, _, _ = jax_rnn.lstm(xs, h0, c0, weights, lengths, input_size=case.input_size,
                            hidden_size=case.hidden, num_layers=case.layers, dropout=0.0,
                            bidirectional=bidirectional)
    return jnp.sum(ys.astype(jnp.float32))

  grad = jax.jit(jax.grad(loss, argnums=(0, 1)))
  return lambda: _block(grad(weights, xs))


def matmul_floor_runner(case: Case) -> Callable[[], None]:
  """Only the matmuls of one layer's fused fwd+bwd (see the module docstring)."""
  from rnnlab.kernels import bptt  # pylint: disable=g-import-not-at-top

  dtype = jnp.dtype(case.dtype)
  h, g = case.hidden, NUM_GATES[case.cell] * case.hidden
  keys = jax.random.split(jax.random.key(0), 3)
  w_x = jax.random.normal(keys[0], (case.input_size, g), dtype) * 0.02
  w_h = jax.random.normal(keys[1], (h, g), dtype) * 0.02
  xs = jax.random.normal(keys[2], (case.batch, case.steps, case.input_size), dtype)

  def fwd_bwd(w_x, w_h, xs):
    xs_tm = jnp.swapaxes(xs, 0, 1)
    gx = xs_tm @ w_x                                                   # [T, B, G]

    def forward(h_prev, gx_t):
      h_t = (bptt.matmul(h_prev, w_h) + gx_t)[:, :h]
      return h_t, h_t

    _, hs = jax.lax.scan(forward, jnp.zeros((case.batch, h), dtype), gx)
    w_h_t = bptt.transposed(w_h)

    def backward(dh, gx_t):
      dz = gx_t.at[:, :h].add(dh)
      return bptt.matmul(dz, w_h_t), dz

    _, dz = jax.lax.scan(backward, jnp.zeros((case.batch, h), dtype), gx, reverse=True)
    dw_h = bptt.weight_gradient(hs, dz, dtype)
    dw_x = bptt.weight_gradient(xs_tm, dz, dtype)
    dxs = jnp.swapaxes(dz @ w_x.T, 0, 1)
    return dw_h, dw_x, dxs

  run = jax.jit(fwd_bwd)
  return lambda: _block(run(w_x, w_h, xs))


def gemm_runner(size: int, dtype: str) -> tuple[Callable[[], None], float]:
  a = jax.random.normal(jax.random.key(2), (size, size), jnp.dtype(dtype))
  b = jax.random.normal(jax.random.key(3), (size, size), jnp.dtype(dtype))
  matmul = jax.jit(lambda a, b: a @ b)
  return (lambda: _block(matmul(a, b))), 2.0 * size ** 3


# ---- measurement -----------------------------------------------------------------------------


CLOCKS = {"wall": time.perf_counter, "process": time.process_time}


def measure(runners: dict[str, Callable[[], None]], rounds: int, calls: int,
            clock: str = "wall") -> dict[str, float]:
  """Median seconds per call; implementations interleaved within every round.

  ``clock="process"`` counts this process's CPU time (all its threads) instead of wall time:
  on a loaded machine, single-threaded, it measures the work rather than the share of CPU
  the other processes left.
  """
  now = CLOCKS[clock]
  for run in runners.values():  # compile + warm up
    run()
    run()
  times = {name: [] for name in runners}
  for _ in range(rounds):
    for name, run in runners.items():
      for _ in range(calls):
        start = now()
        run()
        times[name].append(now() - start)
  return {name: statistics.median(ts) for name, ts in times.items()}


def build_runners(case: Case, peers: list[str], unroll: int, notes: list[str]):
  backend = jax.default_backend()
  runners = {"rnnlab": rnnlab_runner(case, "auto", unroll)}
  if "scan" in peers:
    runners["rnnlab-scan"] = rnnlab_runner(case, "scan", unroll)
  if "flax" in peers:
    runners["flax"] = flax_runner(case, unroll)
  if "torch" in peers:
    try:
      import torch  # pylint: disable=g-import-not-at-top
      device = "cuda" if backend == "gpu" and torch.cuda.is_available() else "cpu"
      runners["torch"] = torch_runner(case, device)
    except ImportError:
      note = "torch not installed: PyTorch peer skipped"
      if note not in notes:
        notes.append(note)
  if "floor" in peers and case.layers == 1 and case.directions == 1:
    runners["matmul-floor"] = matmul_floor_runner(case)
  if "jax-cudnn" in peers and backend == "gpu" and case.cell == "lstm":
    runners["jax-cudnn"] = jax_cudnn_runner(case)
  return runners


def run_case(case: Case, peers: list[str], rounds: int, calls: int, gemm_size: int, unroll: int,
             notes: list[str], clock: str = "wall") -> list[dict]:
  runners = build_runners(case, peers, unroll, notes)
  gemm, gemm_flops = gemm_runner(gemm_size, case.dtype)
  runners["gemm"] = gemm
  seconds = measure(runners, rounds, calls, clock)
  gemm_gflops = gemm_flops / seconds.pop("gemm") / 1e9
  tokens = case.batch * case.steps
  rows = []
  for name, sec in seconds.items():
    row = {"case": case.label, "implementation": name, "tokens_per_s": tokens / sec,
           "ms_per_call": 1e3 * sec, "gflops": case.flops() / sec / 1e9,
           "gemm_gflops": gemm_gflops}
    row["gemm_fraction"] = row["gflops"] / gemm_gflops
    for peer, peer_sec in seconds.items():
      if peer != name:
        row[f"x_{peer}"] = peer_sec / sec
    rows.append(row)
  return rows


def format_table(rows: list[dict], peers: list[str]) -> str:
  names = [p for p in ["rnnlab", "rnnlab-scan", "flax", "torch", "matmul-floor", "jax-cudnn"]
           if any(r["implementation"] == p for r in rows)]
  ratio_cols = [p for p in names if p != "rnnlab" or len(names) > 1]
  head = ["case", "implementation", "tokens/s", "GFLOP/s", "of GEMM"] + [f"x {p}" for p in ratio_cols]
  lines = []
  for r in rows:
    ratios = [f"{r[f'x_{p}']:.2f}" if f"x_{p}" in r else "-" for p in ratio_cols]
    lines.append([r["case"], r["implementation"], f"{r['tokens_per_s']:,.0f}", f"{r['gflops']:.0f}",
                  f"{100 * r['gemm_fraction']:.0f}%"] + ratios)
  widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
  fmt = lambda cells_: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells_, widths)) + " |"
  out = [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
  out += [fmt(line) for line in lines]
  return "\n".join(out)


def machine_description() -> dict:
  info = {"platform": platform.platform(), "python": platform.python_version(),
          "jax": jax.__version__, "backend": jax.default_backend(),
          "devices": [str(d) for d in jax.devices()], "cpu_count": os.cpu_count()}
  try:
    info["load_average_1_5_15"] = os.getloadavg()
  except OSError:
    pass
  try:
    import torch  # pylint: disable=g-import-not-at-top
    info["torch"] = torch.__version__
    info["torch_threads"] = torch.get_num_threads()
  except ImportError:
    pass
  return info


def _int_list(text: str) -> list[int]:
  values = [int(v) for v in text.split(",") if v]
  if not values or any(v <= 0 for v in values):
    raise argparse.ArgumentTypeError(f"{text!r}: expected comma-separated positive ints")
  return values


def _name_list(allowed):
  def parse(text: str) -> list[str]:
    values = [v for v in text.split(",") if v]
    bad = [v for v in values if v not in allowed]
    if bad or not values:
      raise argparse.ArgumentTypeError(f"{text!r}: allowed values {sorted(allowed)}")
    return values
  return parse


def parse_args(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("--cells", type=_name_list(NUM_GATES), default=["lstm", "gru", "elman"])
  parser.add_argument("--batch", type=_int_list, default=[32])
  parser.add_argument("--steps", type=_int_list, default=[128])
  parser.add_argument("--input_size", type=int, default=None, help="D (default: = H)")
  parser.add_argument("--hidden", type=_int_list, default=[512])
  parser.add_argument("--layers", type=_int_list, default=[1])
  parser.add_argument("--directions", type=_int_list, default=[1], help="1 or 2 (bidirectional)")
  parser.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32")
  parser.add_argument("--peers", type=_name_list(["scan", "flax", "torch", "floor", "jax-cudnn"]),
                      default=["scan", "flax", "torch", "floor", "jax-cudnn"])
  parser.add_argument("--unroll", type=int, default=1, help="lax.scan unroll (rnnlab and flax)")
  parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
  parser.add_argument("--calls", type=int, default=3, help="timed calls per round")
  parser.add_argument("--gemm_size", type=int, default=2048)
  parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                      help="wall time, or process CPU time (for single-threaded runs on a loaded machine)")
  parser.add_argument("--torch_threads", type=int, default=None, help="torch.set_num_threads")
  parser.add_argument("--quick", action="store_true",
                      help="short smoke run: T=32, 2 rounds of 1 call")
  parser.add_argument("--json", default=None, help="also write rows + machine as JSON here")
  args = parser.parse_args(argv)
  if any(d not in (1, 2) for d in args.directions):
    parser.error(f"--directions={args.directions}; allowed: 1, 2")
  if args.quick:
    args.steps, args.rounds, args.calls = [32], 2, 1
  return args


def main(argv=None):
  args = parse_args(argv)
  notes: list[str] = []
  if args.torch_threads is not None:
    try:
      import torch  # pylint: disable=g-import-not-at-top
      torch.set_num_threads(args.torch_threads)
    except ImportError:
      pass
  if jax.default_backend() != "gpu":
    notes.append("no GPU: cuDNN / jax.experimental.rnn peers not run")
  rows = []
  for cell, b, t, h, layers, directions in itertools.product(
      args.cells, args.batch, args.steps, args.hidden, args.layers, args.directions):
    case = Case(cell, b, t, args.input_size or h, h, layers, directions, args.dtype)
    rows += run_case(case, args.peers, args.rounds, args.calls, args.gemm_size, args.unroll, notes,
                     args.clock)
  machine = machine_description()
  print(f"machine: {machine['platform']}, {machine['cpu_count']} CPUs, backend {machine['backend']}, "
        f"jax {machine['jax']}, torch {machine.get('torch', 'absent')}, "
        f"load average (1/5/15 min) {machine.get('load_average_1_5_15')}")
  print(f"{args.clock} clock; XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}; torch threads "
        f"{machine.get('torch_threads')}")
  print(f"medians of {args.rounds} interleaved rounds x {args.calls} calls; GEMM {args.gemm_size}^3 "
        f"{args.dtype}; 'x P' = speed relative to P (tokens/s ratio)")
  print(format_table(rows, args.peers))
  for note in notes:
    print(f"note: {note}")
  if args.json:
    with open(args.json, "w") as f:
      json.dump({"machine": machine, "args": vars(args), "notes": notes, "rows": rows}, f, indent=1)


if __name__ == "__main__":
  main()
