"""rnnlab.sweep: trial building, commands, and a real local sweep (re-run skips, failure kept)."""
import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from rnnlab import sweep

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_grid_is_the_full_product_first_key_slowest():
  trials = sweep.grid({"model.cell": ["lstm", "gru"], "optimizer.learning_rate": [0.1, 0.01]})
  assert trials == [
      {"model.cell": "lstm", "optimizer.learning_rate": 0.1},
      {"model.cell": "lstm", "optimizer.learning_rate": 0.01},
      {"model.cell": "gru", "optimizer.learning_rate": 0.1},
      {"model.cell": "gru", "optimizer.learning_rate": 0.01},
  ]
  with pytest.raises(ValueError, match="'model.cell' must be a non-empty list"):
    sweep.grid({"model.cell": []})


def test_random_search_is_deterministic_and_in_range():
  space = {"optimizer.learning_rate": sweep.LogUniform(1e-4, 1e-2),
           "model.hidden_size": sweep.Choice([16, 32]),
           "optimizer.clip_norm": sweep.Uniform(0.5, 1.0), "train.seed": 3}
  trials = sweep.random_search(space, num_trials=20, seed=7)
  assert trials == sweep.random_search(space, num_trials=20, seed=7)
  assert trials != sweep.random_search(space, num_trials=20, seed=8)
  for trial in trials:
    assert 1e-4 <= trial["optimizer.learning_rate"] <= 1e-2
    assert trial["model.hidden_size"] in (16, 32) and type(trial["model.hidden_size"]) is int
    assert 0.5 <= trial["optimizer.clip_norm"] <= 1.0 and trial["train.seed"] == 3
  assert {t["model.hidden_size"] for t in trials} == {16, 32}


def test_trial_name_and_command():
  s = sweep.Sweep(config="configs/adding.py:debug", trials=[], fixed={"train.num_steps": 5})
  overrides = {"optimizer.learning_rate": 0.001, "model.cell": "gru", "model.lstm.peephole": True}
  assert sweep.trial_name(overrides) == (
      "model.cell=gru,model.lstm.peephole=True,optimizer.learning_rate=0.001")
  assert sweep.trial_command(s, overrides, "/w")[1:] == [
      "-m", "rnnlab.main", "--config=configs/adding.py:debug", "--workdir=/w",
      "--config.train.num_steps=5", "--config.optimizer.learning_rate=0.001",
      "--config.model.cell=gru", "--config.model.lstm.peephole=True"]


def test_load_sweep_rejects_duplicate_trials_and_missing_get_sweep(tmp_path):
  dup = tmp_path / "dup.py"
  dup.write_text("from rnnlab import sweep\ndef get_sweep():\n  return sweep.Sweep("
                 "config='c.py', trials=[{'a.b': 1}, {'a.b': 1}])\n")
  with pytest.raises(ValueError, match=r"duplicate trials: \['a.b=1'\]"):
    sweep.load_sweep(str(dup))
  empty = tmp_path / "empty.py"
  empty.write_text("x = 1\n")
  with pytest.raises(ValueError, match="defines no get_sweep"):
    sweep.load_sweep(str(empty))


def test_a_workdir_that_is_a_file_is_refused_before_any_trial(tmp_path, monkeypatch):
  # Issue 18 item 8 (the same kind as rnnlab.main's --workdir): a raw FileExistsError traceback.
  def no_trial(*args, **kwargs):
    raise AssertionError(f"a trial was started: {args}")

  monkeypatch.setattr(sweep.subprocess, "call", no_trial)
  path = tmp_path / "file"
  path.write_text("x")
  plan = sweep.Sweep(config="configs/adding.py:debug", trials=[{"model.cell": "lstm"}])
  with pytest.raises(ValueError, match=r"--workdir '.*/file' is an existing file, not a "
                                       r"directory"):
    sweep.run_sweep(plan, str(path))
  with pytest.raises(ValueError, match=r"--workdir '.*/file/sub' cannot be created: '.*/file' "
                                       r"is a file"):
    sweep.run_sweep(plan, str(path / "sub"))
  assert path.read_text() == "x"


_TINY_SWEEP = textwrap.dedent("""
    from rnnlab import sweep

    def get_sweep():
      return sweep.Sweep(
          config="configs/adding.py:debug",
          fixed={"train.num_steps": 10, "train.eval_every": 5, "train.checkpoint_every": 10,
                 "train.log_every": 5, "data.max_eval_examples": 32},
          trials=sweep.grid({"model.cell": ["lstm", "gru"]}) + [{"model.cell": "nosuchcell"}])
""")


@pytest.mark.slow
def test_local_sweep_runs_trials_records_failure_and_skips_finished_on_rerun(tmp_path):
  sweep_file = tmp_path / "tiny.py"
  sweep_file.write_text(_TINY_SWEEP)
  workdir = tmp_path / "runs"
  command = [sys.executable, "-m", "rnnlab.sweep", f"--sweep={sweep_file}",
             f"--workdir={workdir}", "--parallel=2"]
  first = subprocess.run(command, cwd=_REPO, capture_output=True, text=True, timeout=600)
  assert first.returncode == 1 and "1 trial(s) failed" in first.stderr, first.stderr[-3000:]
  # Each trial says when it starts (not only when it ends), with its log file.
  for index in (1, 2, 3):
    assert f"trial {index}/3 started: " in first.stderr, first.stderr[-3000:]
  assert "(log: " in first.stderr
  with open(workdir / sweep.STATUS_FILE) as f:
    status = {r["name"]: r["status"] for r in json.load(f)}
  assert status == {"model.cell=lstm": "finished", "model.cell=gru": "finished",
                    "model.cell=nosuchcell": "failed"}
  with open(workdir / "model.cell=nosuchcell" / sweep.LOG_FILE) as f:
    assert "invalid value 'nosuchcell' for config.model.cell" in f.read()
  with open(workdir / "model.cell=gru" / "config.json") as f:
    config = json.load(f)
  assert config["model"]["cell"] == "gru" and config["train"]["num_steps"] == 10

  # Re-run: the finished trials are skipped (their files untouched), the failed one retried.
  finished_log = workdir / "model.cell=lstm" / "metrics.jsonl"
  before = finished_log.read_text()
  records = sweep.run_sweep(sweep.load_sweep(str(sweep_file)), str(workdir), parallel=1)
  assert [r["status"] for r in records] == ["skipped", "skipped", "failed"]
  assert finished_log.read_text() == before


def test_each_running_trial_gets_its_own_gpu_and_frees_it(tmp_path, monkeypatch):
  """Three trials, two at a time, on two (given) GPU ids: the environment each trial's process
  receives names a device no other running trial holds, and the third reuses a freed one."""
  lock = threading.Lock()
  held, seen = set(), []

  def fake_call(command, stdout, stderr, env):
    del stdout, stderr
    device = env["CUDA_VISIBLE_DEVICES"]
    with lock:
      assert device not in held, f"device {device} given to two running trials"
      held.add(device)
      seen.append((command[-1], device))
    time.sleep(0.2)
    with open(os.path.join(command[4].split("=", 1)[1], sweep.FINAL_METRICS_FILE), "w") as f:
      f.write("{}")
    with lock:
      held.remove(device)
    return 0

  monkeypatch.setattr(sweep.subprocess, "call", fake_call)
  monkeypatch.delenv("XLA_PYTHON_CLIENT_MEM_FRACTION", raising=False)
  s = sweep.Sweep(config="configs/adding.py:debug",
                  trials=sweep.grid({"train.seed": [1, 2, 3]}))
  records = sweep.run_sweep(s, str(tmp_path), parallel=2, devices_per_trial=1,
                            device_backend="gpu", devices=["4", "6"])
  assert [r["status"] for r in records] == ["finished"] * 3
  assert sorted(d for _, d in seen[:2]) == ["4", "6"] and seen[2][1] in ("4", "6")
  assert {r["environment"]["CUDA_VISIBLE_DEVICES"] for r in records} == {"4", "6"}
  with pytest.raises(ValueError, match="parallel=3 trials x devices_per_trial=1 need 3"):
    sweep.run_sweep(s, str(tmp_path), parallel=3, devices_per_trial=1, device_backend="gpu",
                    devices=["4", "6"])


def test_cli_passes_the_device_flags(tmp_path):
  sweep_file = tmp_path / "tiny.py"
  sweep_file.write_text(_TINY_SWEEP)
  result = subprocess.run(
      [sys.executable, "-m", "rnnlab.sweep", f"--sweep={sweep_file}", f"--workdir={tmp_path}",
       "--parallel=3", "--devices_per_trial=1", "--device_backend=gpu", "--devices=0,1"],
      cwd=_REPO, capture_output=True, text=True, timeout=300)
  assert result.returncode != 0
  assert "parallel=3 trials x devices_per_trial=1 need 3 device slots" in result.stderr
