"""rnnlab.main as a user runs it: a config file, --config overrides, clear config errors."""
import json
import os
import subprocess
import sys

import pytest

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _main(*args):
  return subprocess.run([sys.executable, "-m", "rnnlab.main", *args], cwd=_REPO,
                        capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_trains_a_debug_config_with_overrides(tmp_path):
  result = _main("--config=configs/copy.py:debug", f"--workdir={tmp_path}",
                 "--config.model.cell=gru", "--config.train.num_steps=8",
                 "--config.train.eval_every=4", "--config.train.log_every=4")
  assert result.returncode == 0, result.stderr[-3000:]
  assert "step 4/8 (50%)" in result.stderr and "steps/s | ETA" in result.stderr
  with open(tmp_path / "config.json") as f:
    config = json.load(f)
  assert config["model"]["cell"] == "gru" and config["train"]["num_steps"] == 8
  with open(tmp_path / "final_metrics.json") as f:
    final = json.load(f)
  assert final["status"] == "completed" and final["step"] == 8
  assert set(final["eval"]) == {"loss", "copy_accuracy"}


def test_invalid_value_stops_before_training_naming_the_choices(tmp_path):
  result = _main("--config=configs/adding.py:debug", f"--workdir={tmp_path}",
                 "--config.model.cell=lstmm")
  assert result.returncode == 1
  assert ("invalid config: invalid value 'lstmm' for config.model.cell; allowed: "
          "('elman', 'irnn', 'lstm', 'gru', 'mingru', 'minlstm', 'lru', 'rglru')") in result.stderr
  assert not os.path.exists(tmp_path / "config.json")
