"""Accelerators for local sweep trials: a pool of device ids, one lease per running trial.

Each trial of ``rnnlab.sweep --parallel=N --devices_per_trial=K`` is a separate process; it is
given K device ids from the pool through the backend's visible-devices environment variable
(it then sees only those, as devices 0..K-1) and gives them back when it ends, so the next
trial takes them. The environment a trial receives (``DevicePool.lease``):

* ``gpu`` (CUDA): ``CUDA_VISIBLE_DEVICES=<ids>``.
* ``tpu`` (one chip per trial; untested, no TPU was available): ``TPU_VISIBLE_CHIPS=<id>``,
  ``TPU_CHIPS_PER_PROCESS_BOUNDS=1,1,1``, ``TPU_PROCESS_BOUNDS=1,1,1`` and a port of its own,
  ``TPU_PROCESS_PORT=8476+<id>``.
* ``cpu``: nothing (every trial shares the host's cores).

GPU memory: JAX preallocates 75 % of a GPU's memory per process by default, so two processes
on one GPU collide. With ``trials_per_device=M > 1`` (M trials share each GPU) every trial gets
``XLA_PYTHON_CLIENT_MEM_FRACTION=0.8/M``; when trials are given no device of their own
(``devices_per_trial=0``) and more than one runs at a time, every trial gets
``XLA_PYTHON_CLIENT_PREALLOCATE=false`` (allocate on demand). A value the user already set in
the environment is kept. A trial that owns its GPU keeps JAX's default preallocation.

Devices are found without initialising JAX in the sweep process (which would take a GPU's
memory): ``--devices`` (ids, any backend), else ``CUDA_VISIBLE_DEVICES`` or ``nvidia-smi -L``
for GPUs, ``/dev/accel*`` or ``/dev/vfio/[0-9]*`` for TPU chips, else the CPU.
"""
import contextlib
import dataclasses
import glob
import os
import subprocess
import threading
from typing import Iterator, Sequence

BACKENDS = ("auto", "gpu", "tpu", "cpu")
VISIBLE_DEVICES = {"gpu": "CUDA_VISIBLE_DEVICES", "tpu": "TPU_VISIBLE_CHIPS"}
SHARED_MEMORY_FRACTION = 0.8  # of one GPU, split between the trials that share it
TPU_BASE_PORT = 8476


def detect(backend: str = "auto", devices: Sequence[str] | None = None) -> tuple[str, list[str]]:
  """``(backend, device ids)`` of this machine (see the module docstring), without JAX.

  Args:
    backend: "auto" (GPU, else TPU, else CPU), or "gpu" | "tpu" | "cpu" to force one.
    devices: ids to use instead of detecting them (e.g. ``["2", "3"]``); needs a backend.

  Raises:
    ValueError: an unknown backend, or ``devices`` with ``backend="auto"``.
  """
  if backend not in BACKENDS:
    raise ValueError(f"device backend {backend!r}; allowed: {BACKENDS}")
  if devices:
    if backend == "auto":
      raise ValueError(f"devices={list(devices)} need a device backend; allowed: gpu, tpu, cpu")
    return backend, [str(d) for d in devices]
  if backend in ("auto", "gpu"):
    gpus = _gpu_ids()
    if gpus or backend == "gpu":
      return "gpu", gpus
  if backend in ("auto", "tpu"):
    chips = _tpu_ids()
    if chips or backend == "tpu":
      return "tpu", chips
  return "cpu", []


def _gpu_ids() -> list[str]:
  visible = os.environ.get("CUDA_VISIBLE_DEVICES")
  if visible is not None:
    return [d for d in visible.split(",") if d.strip() and d.strip() != "-1"]
  try:
    listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30,
                             check=True).stdout
  except (OSError, subprocess.SubprocessError):
    return []
  return [str(i) for i, line in enumerate(l for l in listing.splitlines() if l.startswith("GPU "))]


def _tpu_ids() -> list[str]:
  paths = glob.glob("/dev/accel*") or glob.glob("/dev/vfio/[0-9]*")
  return [str(i) for i in range(len(paths))]


@dataclasses.dataclass
class DevicePool:
  """Hands out ``devices_per_trial`` ids per trial from ``devices`` (each shared by
  ``trials_per_device`` trials) and takes them back; thread-safe."""

  backend: str
  devices: Sequence[str]
  devices_per_trial: int = 0
  trials_per_device: int = 1
  parallel: int = 1

  def __post_init__(self):
    if self.backend not in BACKENDS[1:]:
      raise ValueError(f"device backend {self.backend!r}; allowed: {BACKENDS[1:]}")
    for name in ("devices_per_trial", "trials_per_device", "parallel"):
      value = getattr(self, name)
      low = 0 if name == "devices_per_trial" else 1
      if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name}={value!r}; allowed: an int >= {low}")
    if self.trials_per_device > 1 and self.devices_per_trial != 1:
      raise ValueError(f"trials_per_device={self.trials_per_device} shares one device between "
                       f"trials; it needs devices_per_trial=1, got {self.devices_per_trial}")
    if self.backend == "tpu" and (self.devices_per_trial > 1 or self.trials_per_device > 1):
      raise ValueError(f"devices_per_trial={self.devices_per_trial}, trials_per_device="
                       f"{self.trials_per_device} on TPU; allowed: one chip per trial, unshared")
    if self.backend == "cpu" or self.devices_per_trial == 0:
      self._free = []
      return
    capacity = len(self.devices) * self.trials_per_device // self.devices_per_trial
    if self.parallel > capacity:
      raise ValueError(
          f"parallel={self.parallel} trials x devices_per_trial={self.devices_per_trial} need "
          f"{self.parallel * self.devices_per_trial} device slots; the {self.backend} devices "
          f"{list(self.devices)} x trials_per_device={self.trials_per_device} give "
          f"{len(self.devices) * self.trials_per_device}")
    # Round-robin slots, so M trials per device spread over all devices before doubling up.
    self._free = [d for _ in range(self.trials_per_device) for d in self.devices]
    self._ready = threading.Condition()

  @property
  def assigns_devices(self) -> bool:
    return self.backend != "cpu" and self.devices_per_trial > 0

  def _take(self) -> list[str]:
    with self._ready:
      while True:
        taken: list[str] = []
        for d in self._free:
          if d not in taken:
            taken.append(d)
          if len(taken) == self.devices_per_trial:
            for t in taken:
              self._free.remove(t)
            return taken
        self._ready.wait()

  def _give_back(self, ids: list[str]) -> None:
    with self._ready:
      self._free.extend(ids)
      self._ready.notify_all()

  def environment(self, ids: Sequence[str]) -> dict[str, str]:
    """The variables a trial holding ``ids`` gets (user-set memory variables are kept)."""
    env: dict[str, str] = {}
    if self.backend == "gpu":
      if ids:
        env["CUDA_VISIBLE_DEVICES"] = ",".join(ids)
        if self.trials_per_device > 1:
          share = SHARED_MEMORY_FRACTION / self.trials_per_device
          env["XLA_PYTHON_CLIENT_MEM_FRACTION"] = f"{share:.3f}"
      elif self.parallel > 1:
        env["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
      for name in ("XLA_PYTHON_CLIENT_MEM_FRACTION", "XLA_PYTHON_CLIENT_PREALLOCATE"):
        if name in os.environ:
          env.pop(name, None)
    elif self.backend == "tpu" and ids:
      env.update({"TPU_VISIBLE_CHIPS": ",".join(ids), "TPU_CHIPS_PER_PROCESS_BOUNDS": "1,1,1",
                  "TPU_PROCESS_BOUNDS": "1,1,1",
                  "TPU_PROCESS_PORT": str(TPU_BASE_PORT + int(ids[0]))})
    return env

  @contextlib.contextmanager
  def lease(self) -> Iterator[dict[str, str]]:
    """Takes this trial's devices (waits if none are free) and yields its environment;
    gives the devices back on exit, whatever the trial's outcome."""
    ids = self._take() if self.assigns_devices else []
    try:
      yield self.environment(ids)
    finally:
      if ids:
        self._give_back(ids)
