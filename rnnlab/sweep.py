"""Local sweeps: every trial its own ``rnnlab.main`` process and workdir.

    python -m rnnlab.sweep --sweep=experiments/sweeps/adding_cells.py --workdir=runs/adding_cells \\
        --parallel=2

A sweep file defines ``get_sweep() -> Sweep``: a base config (``configs/<file>.py[:variant]``,
relative to the current directory), overrides shared by all trials, and the trials, each a
dict ``{"dotted.key": value}`` of ``--config.`` overrides, built with :func:`grid` and/or
:func:`random_search`. Trial ``i`` runs in ``<workdir>/<its overrides as a name>`` with its log
in ``log.txt`` there. Re-running the same command skips trials that finished
(``final_metrics.json`` exists) and resumes the others from their checkpoints. A failed trial
is recorded in ``<workdir>/sweep_status.json`` and the others go on; the command exits with
status 1 if any trial failed. ``--import=my_package.my_cells`` (repeatable; or ``Sweep.imports``)
is passed to every trial's ``rnnlab.main``, so a sweep can run a researcher's own cells.
``rnnlab.sweep_ray`` sends the same trials to Ray Tune.

On a machine with accelerators, ``--devices_per_trial=K`` gives every running trial K devices
of its own (``rnnlab.sweep_devices``: the backend's visible-devices variable, freed when the
trial ends; ``--trials_per_device=M`` lets M trials share each GPU with a memory fraction
each); ``--device_backend`` and ``--devices`` override what is detected.
"""
import concurrent.futures
import dataclasses
import importlib.util
import itertools
import json
import math
import os
import re
import subprocess
import sys
import threading
from typing import Any, Mapping, Sequence

from absl import app
from absl import flags
from absl import logging
import numpy as np

import rnnlab
from rnnlab import sweep_devices
from rnnlab import cli
from rnnlab.training import run_directory
from rnnlab import user_imports

FINAL_METRICS_FILE = run_directory.FINAL_METRICS_FILE  # a finished trial has it
STATUS_FILE = "sweep_status.json"
TRIAL_FILE = "trial.json"
LOG_FILE = "log.txt"

Trial = dict[str, Any]  # dotted config key -> value


@dataclasses.dataclass(frozen=True)
class Sweep:
  """A base config, overrides shared by every trial, and the trials' own overrides."""
  config: str
  trials: Sequence[Trial]
  fixed: Mapping[str, Any] = dataclasses.field(default_factory=dict)
  imports: Sequence[str] = ()  # modules every trial imports first (``rnnlab.main --import``)


# ---- building trials ---------------------------------------------------------------


def grid(axes: Mapping[str, Sequence[Any]]) -> list[Trial]:
  """Every combination of ``axes`` (key -> values), the first key varying slowest."""
  keys = list(axes)
  for key in keys:
    if not isinstance(axes[key], (list, tuple)) or not axes[key]:
      raise ValueError(f"grid axis {key!r} must be a non-empty list, got {axes[key]!r}")
  return [dict(zip(keys, values)) for values in itertools.product(*(axes[k] for k in keys))]


@dataclasses.dataclass(frozen=True)
class Uniform:
  low: float
  high: float

  def sample(self, rng: np.random.Generator) -> float:
    return float(rng.uniform(self.low, self.high))


@dataclasses.dataclass(frozen=True)
class LogUniform:
  """``exp(U(log low, log high))``: learning rates, weight decay."""
  low: float
  high: float

  def sample(self, rng: np.random.Generator) -> float:
    if not 0 < self.low < self.high:
      raise ValueError(f"LogUniform needs 0 < low < high, got {self.low}, {self.high}")
    return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))


@dataclasses.dataclass(frozen=True)
class Choice:
  values: Sequence[Any]

  def sample(self, rng: np.random.Generator) -> Any:
    value = self.values[int(rng.integers(len(self.values)))]
    return value.item() if isinstance(value, np.generic) else value


def random_search(space: Mapping[str, Any], *, num_trials: int, seed: int = 0) -> list[Trial]:
  """``num_trials`` draws from ``space`` (key -> Uniform | LogUniform | Choice | constant).

  Deterministic given ``seed``, so a re-run rebuilds the same trials (and skips them).
  Floats are rounded to 4 significant digits so trial names stay short.
  """
  rng = np.random.default_rng(seed)
  trials = []
  for _ in range(num_trials):
    trial = {}
    for key, dist in space.items():
      value = dist.sample(rng) if hasattr(dist, "sample") else dist
      trial[key] = float(f"{value:.4g}") if isinstance(value, float) else value
    trials.append(trial)
  return trials


# ---- running ------------------------------------------------------------------------


def trial_name(overrides: Mapping[str, Any]) -> str:
  """A readable directory name: ``model.cell=gru,optimizer.learning_rate=0.001``."""
  if not overrides:
    return "base"
  text = ",".join(f"{k}={v}" for k, v in sorted(overrides.items()))
  return re.sub(r"[^A-Za-z0-9_.,=+-]", "_", text)


def _flag_value(value: Any) -> str:
  if isinstance(value, bool):
    return "True" if value else "False"
  if isinstance(value, float):
    return repr(value)
  return str(value)


def trial_command(sweep: Sweep, overrides: Mapping[str, Any], workdir: str) -> list[str]:
  """The ``rnnlab.main`` command line of one trial (``--import`` flags first)."""
  merged = dict(sweep.fixed)
  merged.update(overrides)
  return ([sys.executable, "-m", "rnnlab.main"]
          + [f"--{user_imports.FLAG}={module}" for module in sweep.imports]
          + [f"--config={sweep.config}", f"--workdir={workdir}"]
          + [f"--config.{key}={_flag_value(value)}" for key, value in merged.items()])


def run_trial(sweep: Sweep, overrides: Mapping[str, Any], workdir: str,
              environment: Mapping[str, str] | None = None) -> dict[str, Any]:
  """Runs one trial to the end (or skips it if finished); returns its status record.

  ``environment``: variables set for the trial's process on top of this one's (its devices,
  from ``sweep_devices.DevicePool.lease``); recorded in the status record.
  """
  record = {"name": os.path.basename(workdir), "overrides": dict(overrides)}
  if run_directory.is_finished(workdir):
    return dict(record, status="skipped")
  os.makedirs(workdir, exist_ok=True)
  with open(os.path.join(workdir, TRIAL_FILE), "w") as f:
    json.dump({"sweep_config": sweep.config, "fixed": dict(sweep.fixed),
               "overrides": dict(overrides)}, f, indent=2)
  package_root = os.path.dirname(os.path.dirname(os.path.abspath(rnnlab.__file__)))
  env = dict(os.environ, PYTHONPATH=os.pathsep.join(
      p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p))
  env.update(environment or {})
  if environment:
    record["environment"] = dict(environment)
  with open(os.path.join(workdir, LOG_FILE), "a") as log:
    returncode = subprocess.call(trial_command(sweep, overrides, workdir), stdout=log,
                                 stderr=subprocess.STDOUT, env=env)
  if returncode == 0 and run_directory.is_finished(workdir):
    status = "finished"
  elif returncode == 0:
    status = "preempted"  # stopped by SIGTERM after saving; a re-run resumes it
  else:
    status = "failed"
  return dict(record, status=status, returncode=returncode)


def load_sweep(path: str) -> Sweep:
  """Imports a sweep file and calls its ``get_sweep()``."""
  spec = importlib.util.spec_from_file_location("rnnlab_sweep_file", path)
  if spec is None or not os.path.exists(path):
    raise ValueError(f"sweep file {path!r} not found")
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  if not hasattr(module, "get_sweep"):
    raise ValueError(f"sweep file {path!r} defines no get_sweep()")
  sweep = module.get_sweep()
  names = [trial_name(t) for t in sweep.trials]
  duplicates = sorted({n for n in names if names.count(n) > 1})
  if duplicates:
    raise ValueError(f"sweep {path!r} has duplicate trials: {duplicates}")
  return sweep


def run_sweep(sweep: Sweep, workdir: str, *, parallel: int = 1, devices_per_trial: int = 0,
              trials_per_device: int = 1, device_backend: str = "auto",
              devices: Sequence[str] | None = None) -> list[dict[str, Any]]:
  """Runs all trials, ``parallel`` at a time; writes and returns their status records.

  ``devices_per_trial=K > 0``: each running trial gets K accelerators of its own (``K=1`` and
  ``trials_per_device=M``: M trials share each GPU), found by ``sweep_devices.detect(
  device_backend, devices)``; on the CPU nothing is assigned. Raises ValueError when the
  devices cannot hold ``parallel`` trials.
  """
  if parallel < 1:
    raise ValueError(f"parallel must be >= 1, got {parallel}")
  run_directory.check_location(workdir)  # a file or a read-only place: refused before any trial
  backend, device_ids = sweep_devices.detect(device_backend, devices)
  device_pool = sweep_devices.DevicePool(backend, device_ids, devices_per_trial,
                                         trials_per_device, parallel)
  if device_pool.assigns_devices:
    logging.info("sweep: %s devices %s, %d per trial, %d trial(s) per device", backend,
                 device_ids, devices_per_trial, trials_per_device)
  os.makedirs(workdir, exist_ok=True)
  records: dict[str, dict[str, Any]] = {}
  lock = threading.Lock()
  status_path = os.path.join(workdir, STATUS_FILE)

  def write_status():
    with open(status_path + ".tmp", "w") as f:
      json.dump(list(records.values()), f, indent=2)
    os.replace(status_path + ".tmp", status_path)

  num_trials = len(sweep.trials)

  def job(indexed):
    index, overrides = indexed
    name = trial_name(overrides)
    trial_dir = os.path.join(workdir, name)
    with device_pool.lease() as environment:
      if not run_directory.is_finished(trial_dir):
        logging.info("trial %d/%d started: %s (log: %s)%s", index + 1, num_trials, name,
                     os.path.join(trial_dir, LOG_FILE),
                     f" with {environment}" if environment else "")
      record = run_trial(sweep, overrides, trial_dir, environment)
    with lock:
      records[name] = record
      write_status()
      logging.info("trial %s: %s", name, record["status"])
    return record

  with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
    results = list(pool.map(job, enumerate(sweep.trials)))
  return results


def main(argv):
  """CLI entry point; flags are defined only when run as ``python -m rnnlab.sweep`` (sweep
  files import this module, which must not define them twice)."""
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  sweep_flags = flags.FLAGS
  sweep = load_sweep(sweep_flags.sweep)
  imports = tuple(sweep.imports) + tuple(sweep_flags[user_imports.FLAG].value)
  user_imports.import_modules(imports)  # a ValueError ends in one line (rnnlab.cli)
  sweep = dataclasses.replace(sweep, imports=tuple(dict.fromkeys(imports)))
  if sweep_flags.dry_run:
    for overrides in sweep.trials:
      print(" ".join(trial_command(sweep, overrides,
                                   os.path.join(sweep_flags.workdir, trial_name(overrides)))))
    return
  records = run_sweep(sweep, sweep_flags.workdir, parallel=sweep_flags.parallel,
                      devices_per_trial=sweep_flags.devices_per_trial,
                      trials_per_device=sweep_flags.trials_per_device,
                      device_backend=sweep_flags.device_backend, devices=sweep_flags.devices)
  counts = {s: sum(r["status"] == s for r in records)
            for s in ("finished", "skipped", "preempted", "failed")}
  logging.info("sweep %s: %s", sweep_flags.workdir, counts)
  failed = [r["name"] for r in records if r["status"] == "failed"]
  if failed:
    cli.fail("rnnlab.sweep", f"{len(failed)} trial(s) failed (see log.txt in each): {failed}")


def _define_flags() -> None:
  flags.DEFINE_string("sweep", None, "Sweep file (defines get_sweep()).")
  flags.DEFINE_string("workdir", None, "Directory holding one workdir per trial.")
  flags.DEFINE_integer("parallel", 1, "Trials run at the same time.")
  flags.DEFINE_bool("dry_run", False, "Print the trial commands, run nothing.")
  flags.DEFINE_integer("devices_per_trial", 0, "Accelerators each running trial gets of its own "
                       "(visible-devices variable, freed when it ends); 0: every trial sees all.")
  flags.DEFINE_integer("trials_per_device", 1, "Trials sharing each GPU (needs "
                       "devices_per_trial=1); each gets a memory fraction 0.8/M.")
  flags.DEFINE_enum("device_backend", "auto", list(sweep_devices.BACKENDS),
                    "Accelerator kind; auto: GPU (CUDA_VISIBLE_DEVICES / nvidia-smi), TPU, CPU.")
  flags.DEFINE_list("devices", None, "Device ids to hand out instead of the detected ones "
                    "(needs --device_backend).")
  flags.mark_flags_as_required(["sweep", "workdir"])
  user_imports.define_flag()


if __name__ == "__main__":
  _define_flags()
  cli.run(main, program="rnnlab.sweep")
