"""rnnlab.sweep_ray on a local Ray instance (skipped when the optional `ray` is missing)."""
import json
import os

import pytest

from rnnlab import sweep

ray = pytest.importorskip("ray")
from rnnlab import sweep_ray  # noqa: E402  pylint: disable=wrong-import-position

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
def test_ray_runs_the_same_trials_as_the_local_sweep(tmp_path, monkeypatch):
  monkeypatch.chdir(_REPO)  # sweep.config is relative to the launch directory
  tiny = sweep.Sweep(
      config="configs/adding.py:debug",
      fixed={"train.num_steps": 4, "train.eval_every": 4, "train.checkpoint_every": 4,
             "train.log_every": 2, "data.max_eval_examples": 16},
      trials=sweep.grid({"model.cell": ["lstm", "nosuchcell"]}))
  ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
  try:
    records = sweep_ray.run_sweep_on_ray(tiny, str(tmp_path), cpus_per_trial=1)
  finally:
    ray.shutdown()
  status = {r["name"]: r["status"] for r in records}
  assert status == {"model.cell=lstm": "finished", "model.cell=nosuchcell": "failed"}
  with open(tmp_path / "model.cell=lstm" / "final_metrics.json") as f:
    final = json.load(f)
  lstm = next(r for r in records if r["name"] == "model.cell=lstm")
  assert lstm["metrics"]["eval_mse"] == final["eval"]["mse"]


class _FakeTune:
  """Just enough of ``ray.tune`` to see what the bridge asks for and to run one trial inline."""

  def __init__(self):
    self.resources, self.reports = None, []

  def with_resources(self, trainable, resources):
    self.resources = resources
    return trainable

  def grid_search(self, values):
    return values

  def TuneConfig(self, **kwargs):  # noqa: N802  (Ray's names)
    return kwargs

  def RunConfig(self, **kwargs):  # noqa: N802
    return kwargs

  def report(self, metrics):
    self.reports.append(metrics)

  def Tuner(self, trainable, param_space, **kwargs):  # noqa: N802
    del kwargs

    class Tuner:
      def fit(self_):  # pylint: disable=no-self-argument
        trainable({"overrides": param_space["overrides"][0]})
        return []
    return Tuner()


def test_ray_reserves_the_trial_devices_and_a_shared_gpu_gets_a_memory_fraction(
    tmp_path, monkeypatch):
  fake = _FakeTune()
  monkeypatch.setattr(sweep_ray, "_tune", lambda: fake)
  monkeypatch.delenv("XLA_PYTHON_CLIENT_MEM_FRACTION", raising=False)
  envs = []

  def fake_call(command, stdout, stderr, env):
    del command, stdout, stderr
    envs.append(env)
    return 0

  monkeypatch.setattr(sweep.subprocess, "call", fake_call)
  tiny = sweep.Sweep(config="configs/adding.py:debug", trials=[{"train.seed": 1}])
  sweep_ray.run_sweep_on_ray(tiny, str(tmp_path), cpus_per_trial=2, devices_per_trial=0.5)
  assert fake.resources == {"cpu": 2, "gpu": 0.5}
  assert envs[0]["XLA_PYTHON_CLIENT_MEM_FRACTION"] == "0.400"
  assert fake.reports[0]["status"] == "preempted"  # exit 0 without final metrics
  assert sweep_ray.trial_resources(1, 2, "tpu") == {"cpu": 1, "TPU": 2}
  assert sweep_ray.trial_resources(1) == {"cpu": 1}
  with pytest.raises(ValueError, match="device_backend='cpu'; allowed"):
    sweep_ray.trial_resources(1, 1, "cpu")


def test_a_workdir_that_is_a_file_is_refused_before_ray_starts(tmp_path):
  # Issue 18 item 8 (the same kind as rnnlab.main's --workdir): a raw FileExistsError traceback.
  path = tmp_path / "file"
  path.write_text("x")
  plan = sweep.Sweep(config="configs/adding.py:debug", trials=[{"model.cell": "lstm"}])
  with pytest.raises(ValueError, match=r"--workdir '.*/file' is an existing file"):
    sweep_ray.run_sweep_on_ray(plan, str(path))
  assert path.read_text() == "x"
