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
             "train.log_every": 2, "data.eval_size": 16},
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
