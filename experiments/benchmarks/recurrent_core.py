r"""Recurrent-core benchmark: one layer (or stack) forward + backward, side by side.

Implementations measured in the same run, interleaved round by round (machines are noisy;
each figure is the median over all timed calls):

* ``rnnlab``       ``recurrence.scan/stack/bidirectional`` with ``impl="auto"`` (fused BPTT)
* ``rnnlab-scan``  the same with ``impl="scan"`` (plain ``lax.scan``, input projection hoisted)
* ``own``          (LSTM) a researcher's hand-written LSTM cell (``OwnLSTM``: a ``RecurrentCell``
  subclass keeping the inherited ``project``) on the plain scan, which gives it the fused
  time-major input projection (``kernels.projection``)
* ``own-project``  the same cell opting out (``projection_bias = None``): its own ``project``
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

Two measurement modes, both reported by one run (``--modes``), each in a child process of its
own with the CPU model and the load average (at its start and end) printed beside its table:

* ``single``   (the reference) one thread per implementation: the child is pinned to one CPU
  (``sched_setaffinity``), XLA runs single-threaded (``XLA_FLAGS=--xla_cpu_multi_thread_eigen=
  false intra_op_parallelism_threads=1``), torch uses 1 thread, and each call is timed by
  *process CPU time*, which counts the work done rather than the CPU share other processes
  left: the ratios hold on a loaded, shared machine.
* ``threads``  every CPU this process may use, XLA's and torch's default threading, wall clock:
  what a user sees on an idle machine, but it moves with the load.

Usage::

  python experiments/benchmarks/recurrent_core.py                       # LSTM/GRU/Elman, H=512
  python experiments/benchmarks/recurrent_core.py --modes=single        # the reference only
  python experiments/benchmarks/recurrent_core.py --cells=lstm --hidden=256,1024
  python experiments/benchmarks/recurrent_core.py --cells=lstm --layers=2 --directions=2
  python experiments/benchmarks/recurrent_core.py --quick --json=/tmp/bench.json

``--in_process`` measures in this process instead, with ``--clock`` and ``--torch_threads``
as given (the child processes run that way).
"""
import argparse
import dataclasses
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
from rnnlab import cells, recurrence  # noqa: E402

NUM_GATES = {"lstm": 4, "gru": 3, "elman": 1}
RNNLAB_CELLS = {"lstm": cells.LSTM, "gru": cells.GRU, "elman": cells.Elman}
PEERS = ["scan", "own", "flax", "torch", "floor", "jax-cudnn"]
IMPLEMENTATIONS = ["rnnlab", "rnnlab-scan", "own", "own-project", "flax", "torch", "matmul-floor",
                   "jax-cudnn"]


@dataclasses.dataclass(frozen=True)
class OwnLSTM(cells.RecurrentCell):
  """A researcher's LSTM written from seed 004's equations (no peepholes), as a user would:
  ``step`` only, the projection inherited from ``RecurrentCell`` (so it is token-wise)."""

  num_gates = 4

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    return {"w_x": self._input_weights(input_key, input_size),
            "w_h": self._recurrent_weights(recurrent_key),
            "b": jnp.zeros((4 * self.hidden_size,), self.param_dtype)}

  def initial_state(self, batch_shape=()):
    zeros = jnp.zeros((*batch_shape, self.hidden_size), self.state_dtype)
    return (zeros, zeros)

  def output(self, state):
    return state[1]

  def step(self, params, state, gx_t):
    c, h = state
    z_i, z_f, z_g, z_o = cells.split_gates(
        gx_t.astype(self.state_dtype) + self.recurrent_matmul(params, h), 4)
    c = jax.nn.sigmoid(z_f) * c + jax.nn.sigmoid(z_i) * jnp.tanh(z_g)
    h = jax.nn.sigmoid(z_o) * jnp.tanh(c)
    return (c, h), h.astype(self.dtype)


@dataclasses.dataclass(frozen=True)
class OwnLSTMOwnProject(OwnLSTM):
  """``OwnLSTM`` opting out of the fused projection: ``recurrence.scan`` calls its ``project``."""

  projection_bias = None


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


def compiled_runner(fn: Callable, *args) -> Callable[[], None]:
  """``jit(fn)`` compiled once for ``args``; the runner's ``temp_bytes`` is the compiled
  program's temporary memory (``memory_analysis()``: deterministic, read before any run)."""
  compiled = jax.jit(fn).lower(*args).compile()
  run = lambda: _block(compiled(*args))
  analysis = compiled.memory_analysis()
  run.temp_bytes = None if analysis is None else analysis.temp_size_in_bytes
  return run


# ---- implementations: each builder returns a zero-argument fwd+bwd callable ------------------


def rnnlab_runner(case: Case, impl: str, unroll: int, make_cell=None) -> Callable[[], None]:
  dtype = jnp.dtype(case.dtype)
  cell = (make_cell or RNNLAB_CELLS[case.cell])(case.hidden, dtype=dtype)
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

  return compiled_runner(jax.grad(loss, argnums=(0, 1)), params, xs)


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

  return compiled_runner(jax.grad(loss, argnums=(0, 1)), params, xs)


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

  return compiled_runner(jax.grad(loss, argnums=(0, 1)), weights, xs)


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

  return compiled_runner(fwd_bwd, w_x, w_h, xs)


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
  if "own" in peers and case.cell == "lstm":
    runners["own"] = rnnlab_runner(case, "auto", unroll, OwnLSTM)
    runners["own-project"] = rnnlab_runner(case, "auto", unroll, OwnLSTMOwnProject)
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
             notes: list[str], clock: str = "wall",
             runners: dict[str, Callable[[], None]] | None = None) -> list[dict]:
  """Measures ``runners`` (default: ``build_runners``) and a GEMM; one row per implementation
  with tokens/s, GFLOP/s, fraction of the GEMM, compiled temp memory and every ratio."""
  runners = dict(build_runners(case, peers, unroll, notes) if runners is None else runners)
  temp_bytes = {name: getattr(run, "temp_bytes", None) for name, run in runners.items()}
  gemm, gemm_flops = gemm_runner(gemm_size, case.dtype)
  runners["gemm"] = gemm
  seconds = measure(runners, rounds, calls, clock)
  gemm_gflops = gemm_flops / seconds.pop("gemm") / 1e9
  tokens = case.batch * case.steps
  rows = []
  for name, sec in seconds.items():
    row = {"case": case.label, "implementation": name, "tokens_per_s": tokens / sec,
           "ms_per_call": 1e3 * sec, "gflops": case.flops() / sec / 1e9,
           "gemm_gflops": gemm_gflops, "temp_bytes": temp_bytes[name]}
    row["gemm_fraction"] = row["gflops"] / gemm_gflops
    for peer, peer_sec in seconds.items():
      if peer != name:
        row[f"x_{peer}"] = peer_sec / sec
    rows.append(row)
  return rows


def format_table(rows: list[dict]) -> str:
  """One markdown table: a row per (case, implementation), ratios against every other one."""
  seen = list(dict.fromkeys(r["implementation"] for r in rows))
  names = [p for p in IMPLEMENTATIONS if p in seen] + [p for p in seen if p not in IMPLEMENTATIONS]
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


def cpu_model() -> str:
  """The CPU's model name (``/proc/cpuinfo``), with "AVX-512" when it has it."""
  try:
    with open("/proc/cpuinfo") as f:
      text = f.read()
  except OSError:
    return platform.processor() or "unknown CPU"
  model = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
  return model + (", AVX-512" if " avx512f" in text else "")


def load_average() -> tuple[float, float, float] | None:
  try:
    return tuple(round(x, 2) for x in os.getloadavg())
  except OSError:
    return None


def machine_description() -> dict:
  info = {"platform": platform.platform(), "python": platform.python_version(),
          "jax": jax.__version__, "backend": jax.default_backend(),
          "devices": [str(d) for d in jax.devices()], "cpu_count": os.cpu_count(),
          "cpu_model": cpu_model(), "load_average_1_5_15": load_average()}
  if hasattr(os, "sched_getaffinity"):
    info["cpus_usable"] = len(os.sched_getaffinity(0))
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


# Each mode: how its child process is started and timed (see the module docstring).
SINGLE_THREAD_XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
MODES = {
    "single": dict(clock="process", torch_threads=1, pin_to_one_cpu=True,
                   xla_flags=SINGLE_THREAD_XLA_FLAGS,
                   title="single thread, process CPU time (the reference: holds under load)"),
    "threads": dict(clock="wall", torch_threads=None, pin_to_one_cpu=False, xla_flags="",
                    title="all usable CPUs (default threading), wall clock (moves with the load)"),
}


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
  parser.add_argument("--peers", type=_name_list(PEERS), default=PEERS)
  parser.add_argument("--unroll", type=int, default=1, help="lax.scan unroll (rnnlab and flax)")
  parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
  parser.add_argument("--calls", type=int, default=3, help="timed calls per round")
  parser.add_argument("--gemm_size", type=int, default=2048)
  parser.add_argument("--modes", type=_name_list(MODES), default=list(MODES),
                      help="measurement modes, each in its own child process (module docstring)")
  parser.add_argument("--in_process", action="store_true",
                      help="measure in this process with --clock/--torch_threads (no child)")
  parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                      help="with --in_process: wall time, or process CPU time")
  parser.add_argument("--torch_threads", type=int, default=None,
                      help="with --in_process: torch.set_num_threads")
  parser.add_argument("--quick", action="store_true",
                      help="short smoke run: T=32, 2 rounds of 1 call")
  parser.add_argument("--json", default=None, help="also write rows + machine as JSON here")
  args = parser.parse_args(argv)
  if any(d not in (1, 2) for d in args.directions):
    parser.error(f"--directions={args.directions}; allowed: 1, 2")
  if args.quick:
    args.steps, args.rounds, args.calls = [32], 2, 1
  return args


def measure_in_process(args) -> dict:
  """Runs every case here; returns machine, args, notes, rows, load average at the start."""
  notes: list[str] = []
  load_start = load_average()
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
  return {"machine": machine_description(), "args": vars(args), "notes": notes, "rows": rows,
          "load_average_start": load_start, "xla_flags": os.environ.get("XLA_FLAGS", "")}


def describe(result: dict, title: str) -> str:
  """The lines printed above a table: machine, CPU model and load average, clock, threads."""
  machine, args = result["machine"], result["args"]
  return "\n".join([
      f"== {title}",
      f"CPU: {machine['cpu_model']}; {machine.get('cpus_usable', machine['cpu_count'])} of "
      f"{machine['cpu_count']} CPUs usable; load average (1/5/15 min) at start "
      f"{result['load_average_start']}, at end {machine['load_average_1_5_15']}",
      f"{machine['platform']}, backend {machine['backend']}, jax {machine['jax']}, torch "
      f"{machine.get('torch', 'absent')} ({machine.get('torch_threads')} threads); {args['clock']} "
      f"clock; XLA_FLAGS={result['xla_flags']!r}",
      f"medians of {args['rounds']} interleaved rounds x {args['calls']} calls; GEMM "
      f"{args['gemm_size']}^3 {args['dtype']}; 'x P' = speed relative to P (tokens/s ratio)"])


def run_mode(mode: str, argv: list[str]) -> dict:
  """Measures in a child process set up for ``mode`` (``MODES``); returns its result."""
  spec = MODES[mode]
  xla_flags = (os.environ.get("XLA_FLAGS", "") + " " + spec["xla_flags"]).strip()
  env = dict(os.environ, XLA_FLAGS=xla_flags)
  cpu = None
  if spec["pin_to_one_cpu"]:
    env["OMP_NUM_THREADS"] = "1"
    if hasattr(os, "sched_getaffinity"):
      cpu = min(os.sched_getaffinity(0))
  with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "result.json")
    command = [sys.executable, os.path.abspath(__file__), *argv, "--in_process",
               f"--clock={spec['clock']}", f"--json={out}"]
    if spec["torch_threads"] is not None:
      command.append(f"--torch_threads={spec['torch_threads']}")
    preexec = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, preexec_fn=preexec)
    with open(out) as f:
      return json.load(f)


def main(argv=None):
  argv = list(sys.argv[1:] if argv is None else argv)
  args = parse_args(argv)
  if args.in_process:
    result = measure_in_process(args)
    results = {"in_process": result}
    print(describe(result, f"in process, {args.clock} clock"))
    print(format_table(result["rows"]))
  else:
    results = {}
    for mode in args.modes:
      results[mode] = run_mode(mode, argv)
      print(describe(results[mode], f"{mode}: {MODES[mode]['title']}"))
      print(format_table(results[mode]["rows"]))
      print()
  notes = list(dict.fromkeys(n for r in results.values() for n in r["notes"]))
  for note in notes:
    print(f"note: {note}")
  if args.json:
    payload = results["in_process"] if args.in_process else {"modes": results}
    with open(args.json, "w") as f:
      json.dump(payload, f, indent=1)


if __name__ == "__main__":
  main()
