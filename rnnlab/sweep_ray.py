"""Runs a sweep's trials on Ray Tune (optional extra: ``pip install 'rnnlab[ray]'``).

The trials, their commands and workdirs are exactly those of ``rnnlab.sweep``: Ray only
schedules them over a cluster (each trial is still one ``rnnlab.main`` process, so a trial
resumes from its checkpoints and finished trials are skipped on a re-run), and reports each
trial's final eval metrics to Tune. ``results.load(workdir)`` reads the outcome as for a
local sweep.

    python -m rnnlab.sweep_ray --sweep=experiments/sweeps/adding_cells.py \\
        --workdir=/shared/runs/adding_cells --ray_address=auto --cpus_per_trial=4

The workdir must be on storage every node sees. Ray is imported only when a function here
runs, so rnnlab does not depend on it.

Accelerators: ``--devices_per_trial=K`` makes Tune reserve K GPUs (``--device_backend=tpu``:
K TPU chips, Ray's ``TPU`` resource) per trial, as ``rnnlab.sweep --devices_per_trial`` does
locally; Ray sets the trial's ``CUDA_VISIBLE_DEVICES`` (the training process inherits it). A
fraction ``0 < K < 1`` shares a GPU between ``1/K`` trials, each then given
``XLA_PYTHON_CLIENT_MEM_FRACTION = 0.8 K`` (unless set) so that they fit.
"""
import json
import os
from typing import Any

from absl import app
from absl import flags
from absl import logging

from rnnlab import cli
from rnnlab import sweep as sweep_lib
from rnnlab import sweep_devices
from rnnlab.training import run_directory

RAY_RESOURCE = {"gpu": "gpu", "tpu": "TPU"}


def _tune():
  try:
    from ray import tune  # pylint: disable=import-outside-toplevel
  except ImportError as error:
    raise ImportError("rnnlab.sweep_ray needs Ray Tune: pip install 'rnnlab[ray]' "
                      "(the extra installs ray[tune])") from error
  return tune


def _report(tune, metrics: dict[str, Any]) -> None:
  """Tune's report function moved between Ray versions (tune.report / ray.train.report)."""
  report = getattr(tune, "report", None)
  if report is None:
    from ray import train  # pylint: disable=import-outside-toplevel
    report = train.report
  report(metrics)


def trial_resources(cpus_per_trial: float, devices_per_trial: float = 0.0,
                    device_backend: str = "gpu") -> dict[str, float]:
  """Ray resources of one trial: ``{"cpu": c}`` plus ``{"gpu": K}`` (or ``{"TPU": K}``).

  Raises:
    ValueError: a negative count, or a backend other than gpu/tpu with ``devices_per_trial``.
  """
  if cpus_per_trial <= 0 or devices_per_trial < 0:
    raise ValueError(f"cpus_per_trial={cpus_per_trial!r}, devices_per_trial={devices_per_trial!r};"
                     " allowed: cpus > 0, devices >= 0")
  resources = {"cpu": cpus_per_trial}
  if devices_per_trial:
    if device_backend not in RAY_RESOURCE:
      raise ValueError(f"device_backend={device_backend!r}; allowed: {sorted(RAY_RESOURCE)}")
    if device_backend == "tpu" and devices_per_trial != int(devices_per_trial):
      raise ValueError(f"devices_per_trial={devices_per_trial} on TPU; allowed: whole chips")
    resources[RAY_RESOURCE[device_backend]] = devices_per_trial
  return resources


def shared_gpu_environment(devices_per_trial: float) -> dict[str, str]:
  """``XLA_PYTHON_CLIENT_MEM_FRACTION`` for a trial holding a fraction of one GPU, else {}."""
  if not 0 < devices_per_trial < 1 or "XLA_PYTHON_CLIENT_MEM_FRACTION" in os.environ:
    return {}
  return {"XLA_PYTHON_CLIENT_MEM_FRACTION":
          f"{sweep_devices.SHARED_MEMORY_FRACTION * devices_per_trial:.3f}"}


def run_sweep_on_ray(sweep: sweep_lib.Sweep, workdir: str, *, cpus_per_trial: float = 1.0,
                     max_concurrent_trials: int = 0, devices_per_trial: float = 0.0,
                     device_backend: str = "gpu") -> list[dict[str, Any]]:
  """Runs every trial of ``sweep`` as a Ray Tune trial; returns their status records.

  Connects to the running Ray instance if ``ray.init`` was called (or ``RAY_ADDRESS`` is
  set), else starts a local one. ``max_concurrent_trials=0`` lets Ray decide from resources.
  ``devices_per_trial``: GPUs (or TPU chips) Tune reserves per trial (``trial_resources``).
  """
  run_directory.check_location(workdir)  # a file or a read-only place: refused before any trial
  resources = trial_resources(cpus_per_trial, devices_per_trial, device_backend)
  environment = shared_gpu_environment(devices_per_trial) if device_backend == "gpu" else {}
  tune = _tune()
  workdir = os.path.abspath(workdir)
  os.makedirs(workdir, exist_ok=True)
  config_dir = os.getcwd()  # sweep.config is relative to where the sweep was launched

  def trainable(params: dict[str, Any]) -> None:
    overrides = params["overrides"]
    trial_dir = os.path.join(workdir, sweep_lib.trial_name(overrides))
    os.chdir(config_dir)
    record = sweep_lib.run_trial(sweep, overrides, trial_dir, environment)
    metrics = {"status": record["status"], "trial": record["name"]}
    final_path = run_directory.final_metrics_path(trial_dir)
    if os.path.exists(final_path):
      with open(final_path) as f:
        metrics.update({f"eval_{k}": v for k, v in json.load(f)["eval"].items()})
    _report(tune, metrics)

  tuner = tune.Tuner(
      tune.with_resources(trainable, resources),
      param_space={"overrides": tune.grid_search([dict(t) for t in sweep.trials])},
      tune_config=tune.TuneConfig(max_concurrent_trials=max_concurrent_trials or None),
      run_config=tune.RunConfig(name="ray_tune", storage_path=os.path.join(workdir, "_ray")))
  result_grid = tuner.fit()
  records = []
  for result in result_grid:
    metrics = result.metrics or {}
    overrides = result.config["overrides"] if result.config else {}
    status = metrics.get("status", "failed" if result.error else "unknown")
    records.append({"name": sweep_lib.trial_name(overrides), "overrides": overrides,
                    "status": status, "metrics": {k: v for k, v in metrics.items()
                                                  if k.startswith("eval_")}})
  with open(os.path.join(workdir, sweep_lib.STATUS_FILE), "w") as f:
    json.dump(records, f, indent=2, default=str)
  return records


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  import ray  # pylint: disable=import-outside-toplevel
  ray.init(address=flags.FLAGS.ray_address or None)
  records = run_sweep_on_ray(sweep_lib.load_sweep(flags.FLAGS.sweep), flags.FLAGS.workdir,
                             cpus_per_trial=flags.FLAGS.cpus_per_trial,
                             devices_per_trial=flags.FLAGS.devices_per_trial,
                             device_backend=flags.FLAGS.device_backend)
  logging.info("ray sweep: %s", {r["name"]: r["status"] for r in records})
  if any(r["status"] == "failed" for r in records):
    cli.fail("rnnlab.sweep_ray", "some trials failed; see log.txt in their workdirs")


if __name__ == "__main__":
  flags.DEFINE_string("sweep", None, "Sweep file (defines get_sweep()).")
  flags.DEFINE_string("workdir", None, "Shared directory holding one workdir per trial.")
  flags.DEFINE_string("ray_address", "", "Ray cluster address ('auto', 'ray://...'); "
                      "empty starts a local Ray.")
  flags.DEFINE_float("cpus_per_trial", 1.0, "CPUs Ray reserves for each trial.")
  flags.DEFINE_float("devices_per_trial", 0.0, "GPUs (TPU chips) Ray reserves for each trial; "
                     "a fraction shares a GPU.")
  flags.DEFINE_enum("device_backend", "gpu", sorted(RAY_RESOURCE), "Accelerator kind.")
  flags.mark_flags_as_required(["sweep", "workdir"])
  cli.run(main, program="rnnlab.sweep_ray")
