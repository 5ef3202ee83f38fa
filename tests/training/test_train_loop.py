"""train_and_evaluate end to end on the toy task (a carried-state RNN, tests/training/toy_task):
outputs, keep-best, re-run, NaN stop, SIGTERM, kill -9 and corrupt-checkpoint resume.

One uninterrupted reference run is shared by the tests; every interrupted run must end with
bitwise-identical metrics (CPU, same programs).
"""
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from absl import logging as absl_logging
import pytest

from rnnlab import tasks
from rnnlab import training
from rnnlab.training import metric_writers
from tests.training import toy_task

_TOY_RUN = os.path.join(os.path.dirname(__file__), "toy_run.py")
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _records(workdir, split):
  return [r for r in training.read_metrics(os.path.join(workdir, "metrics.jsonl"))
          if r["split"] == split]


def _assert_same_run(workdir, reference_dir, reference_result, result):
  assert result == reference_result  # bitwise: the same floats
  assert _records(workdir, "eval") == _records(reference_dir, "eval")
  assert ([r["loss"] for r in _records(workdir, "train")]
          == [r["loss"] for r in _records(reference_dir, "train")])


class _LogLines(logging.Handler):
  """Keeps the messages of the records it is given."""

  def __init__(self):
    super().__init__(logging.DEBUG)
    self.lines = []

  def emit(self, record):
    self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
  """The reference run: ``(workdir, result, its log messages)``."""
  workdir = str(tmp_path_factory.mktemp("reference"))
  log, verbosity = _LogLines(), absl_logging.get_verbosity()
  absl_logging.get_absl_logger().addHandler(log)
  absl_logging.set_verbosity(absl_logging.INFO)  # as rnnlab.main runs (absl's default there)
  try:
    result = training.train_and_evaluate(toy_task.toy_config(), workdir)
  finally:
    absl_logging.set_verbosity(verbosity)
    absl_logging.get_absl_logger().removeHandler(log)
  return workdir, result, log.lines


@pytest.fixture(scope="module")
def reference(reference_run):
  return reference_run[:2]


def test_run_writes_config_metrics_tensorboard_and_checkpoints(reference):
  workdir, result = reference
  assert result["status"] == "completed" and result["step"] == 40
  with open(os.path.join(workdir, "config.json")) as f:
    assert json.load(f) == toy_task.toy_config().to_dict()
  train = _records(workdir, "train")
  assert [r["step"] for r in train] == list(range(1, 41))  # one line per step
  assert all(r["grad_norm"] > 0 and r["learning_rate"] == pytest.approx(0.01) for r in train)
  assert [r["step"] for r in train if "steps_per_sec" in r] == list(range(5, 41, 5))
  evals = _records(workdir, "eval")
  assert [r["step"] for r in evals] == [10, 20, 30, 40]
  assert evals[-1]["loss"] == result["eval"]["loss"]
  assert result["eval"]["root_mse"] == pytest.approx(result["eval"]["loss"] ** 0.5)
  assert _records(workdir, "final")[0]["num_params"] == result["final"]["num_params"] == 37
  assert any(name.startswith("events.out.tfevents")
             for name in os.listdir(os.path.join(workdir, "tensorboard")))
  with open(os.path.join(workdir, "final_metrics.json")) as f:
    assert json.load(f) == json.loads(json.dumps(result))
  # Keep the last 2 and the best (highest loss here, see toy_config).
  best_step = max(evals, key=lambda r: r["loss"])["step"]
  assert best_step not in (30, 40)
  assert sorted(int(s) for s in os.listdir(os.path.join(workdir, "checkpoints"))) == [
      best_step, 30, 40]


def test_final_metrics_json_has_the_layout_the_readme_documents(reference):
  # Issue 18 item 9: the README put the final report's figures at the top level.
  with open(os.path.join(_REPO, "README.md")) as f:
    layout = re.search(r"`final_metrics\.json` \(`(\{.*?\})`\)", f.read(), re.S).group(1)
  with open(os.path.join(reference[0], "final_metrics.json")) as f:
    assert sorted(json.load(f)) == sorted(re.findall(r'"(\w+)"', layout)), layout


def test_the_log_announces_the_compile_and_the_final_report(reference_run):
  # Issue 18 item 9: the first step's compilation (17-50 s) and the end-of-run report
  # (12-37 s) were silent, and the first progress line's ETA counted the compile.
  lines = reference_run[2]

  def first(prefix):
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))

  compiling, compiled = first("compiling the train step"), first("first step done in")
  progress, report = first("step 5/40"), first("final report of task 'toy_carry'")
  assert compiling < compiled < progress < report, lines
  assert "compilation included" in lines[compiled]


def test_rerun_of_a_finished_run_changes_nothing(reference, tmp_path):
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference[0], workdir)
  with open(os.path.join(workdir, "metrics.jsonl")) as f:
    before = f.read()
  again = training.train_and_evaluate(toy_task.toy_config(), workdir)
  assert again == json.loads(json.dumps(reference[1]))
  with open(os.path.join(workdir, "metrics.jsonl")) as f:
    assert f.read() == before


def test_corrupt_latest_checkpoint_falls_back_with_warning(reference, tmp_path, caplog):
  workdir = str(tmp_path / "corrupt")
  shutil.copytree(reference[0], workdir)
  os.remove(os.path.join(workdir, "final_metrics.json"))
  state_dir = os.path.join(workdir, "checkpoints", "40", "state")
  for root, _, files in os.walk(state_dir):
    for name in files:
      with open(os.path.join(root, name), "wb") as f:
        f.write(b"garbage")
  result = training.train_and_evaluate(toy_task.toy_config(), workdir)
  assert "step 40" in caplog.text and "falling back" in caplog.text
  assert os.path.isdir(os.path.join(workdir, "checkpoints_corrupt", "40"))
  # Resumed from 30: steps 31..40 replayed and the metrics written again.
  _assert_same_run(workdir, reference[0], reference[1], result)


def test_non_finite_loss_stops_naming_the_step_and_keeps_good_checkpoint(tmp_path):
  config = toy_task.toy_config()
  config.data.poison_position = 13  # the batch of step 14 holds an Inf
  with pytest.raises(training.NonFiniteLossError, match=r"at step 14;.*step 10\)"):
    training.train_and_evaluate(config, str(tmp_path))
  assert sorted(os.listdir(tmp_path / "checkpoints")) == ["10"]
  assert not (tmp_path / "final_metrics.json").exists()


def test_non_finite_loss_before_any_checkpoint_says_so(tmp_path):
  config = toy_task.toy_config()
  config.data.poison_position = 3  # step 4, before the first checkpoint at step 10
  with pytest.raises(training.NonFiniteLossError,
                     match=r"at step 4;.*No checkpoint had been saved yet"):
    training.train_and_evaluate(config, str(tmp_path))


def test_sigterm_saves_stops_and_resume_matches_uninterrupted(reference, tmp_path,
                                                              monkeypatch):
  original = toy_task.ToyCarryTask.train_iterator

  def train_iterator_sending_sigterm(self, config, **kwargs):
    batch_fn = original(self, config, **kwargs)._batch_fn  # pylint: disable=protected-access

    def fn(position):
      if position == 15:
        os.kill(os.getpid(), signal.SIGTERM)
      return batch_fn(position)

    return tasks.IndexedBatchIterator(fn)

  monkeypatch.setattr(toy_task.ToyCarryTask, "train_iterator", train_iterator_sending_sigterm)
  workdir = str(tmp_path)
  stopped = training.train_and_evaluate(toy_task.toy_config(), workdir)
  assert stopped["status"] == "preempted" and stopped["step"] == 16
  assert "16" in os.listdir(os.path.join(workdir, "checkpoints"))
  assert not os.path.exists(os.path.join(workdir, "final_metrics.json"))
  monkeypatch.undo()
  resumed = training.train_and_evaluate(toy_task.toy_config(), workdir)
  _assert_same_run(workdir, reference[0], reference[1], resumed)


def test_sigterm_arriving_after_the_step_is_decided_still_saves_before_stopping(tmp_path,
                                                                                monkeypatch):
  # A SIGTERM that lands while the step's metrics are written (after the loop decided not to
  # checkpoint this step) used to stop the run with no checkpoint though the log said saved.
  original = metric_writers.MetricWriter.write
  sent = []

  def write_sending_sigterm(self, step, split, metrics):
    if step == 13 and split == "train" and not sent:
      sent.append(step)
      os.kill(os.getpid(), signal.SIGTERM)
    return original(self, step, split, metrics)

  monkeypatch.setattr(metric_writers.MetricWriter, "write", write_sending_sigterm)
  config = toy_task.toy_config()
  config.train.log_every = 1  # metrics written every step: the signal lands mid-step 13
  stopped = training.train_and_evaluate(config, str(tmp_path))
  assert sent == [13] and stopped["status"] == "preempted"
  kept = sorted(int(s) for s in os.listdir(tmp_path / "checkpoints"))
  assert kept and kept[-1] == stopped["step"], (kept, stopped["step"])


def test_ctrl_c_saves_a_checkpoint_at_the_step_and_stops_a_second_one_at_once(tmp_path,
                                                                               monkeypatch,
                                                                               request):
  # Issue 18 (new-user pass): Ctrl-C ended in a KeyboardInterrupt traceback and lost every
  # step since the last checkpoint. Now it is SIGTERM's clean stop; a second Ctrl-C interrupts.
  original = metric_writers.MetricWriter.write
  sent = []

  def write_sending_sigint(self, step, split, metrics):
    if step in (13, 17) and split == "train" and step not in sent:
      sent.append(step)
      os.kill(os.getpid(), signal.SIGINT)
    return original(self, step, split, metrics)

  monkeypatch.setattr(metric_writers.MetricWriter, "write", write_sending_sigint)
  # A shell's background job (`make test &`, CI runners) starts with SIGINT ignored, and the
  # loop then leaves it ignored; this test is about an interactive run, where it is not.
  previous = signal.signal(signal.SIGINT, signal.default_int_handler)
  request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
  config = toy_task.toy_config()
  config.train.log_every = 1
  stopped = training.train_and_evaluate(config, str(tmp_path / "a"))
  # Sent while step 13's metrics are written: the loop stops after the step it is in.
  assert sent == [13] and stopped["status"] == "preempted" and stopped["step"] in (13, 14)
  kept = sorted(int(s) for s in os.listdir(tmp_path / "a" / "checkpoints"))
  assert kept[-1] == stopped["step"], (kept, stopped["step"])
  assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored

  def write_sending_two(self, step, split, metrics):
    if step == 13 and split == "train" and len(sent) < 3:
      sent.append(step)
      os.kill(os.getpid(), signal.SIGINT)
      os.kill(os.getpid(), signal.SIGINT)
    return original(self, step, split, metrics)

  monkeypatch.setattr(metric_writers.MetricWriter, "write", write_sending_two)
  with pytest.raises(KeyboardInterrupt):
    training.train_and_evaluate(config, str(tmp_path / "b"))
  assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_background_run_that_ignores_ctrl_c_keeps_ignoring_it(tmp_path, request):
  previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
  request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
  config = toy_task.toy_config()
  config.train.num_steps = 3
  config.train.eval_every = 3
  config.train.checkpoint_every = 3
  training.train_and_evaluate(config, str(tmp_path / "a"))
  assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_is_bitwise_identical(reference, tmp_path):
  workdir = str(tmp_path / "run")
  # Slow data (50 ms per batch) so the kill lands between checkpoints 10 and 20.
  log_path = str(tmp_path / "log.txt")
  log = open(log_path, "w")
  process = subprocess.Popen(
      [sys.executable, _TOY_RUN, f"--workdir={workdir}", "--config.data.sleep_seconds=0.05"],
      stdout=log, stderr=subprocess.STDOUT,
      env=dict(os.environ, PYTHONPATH=os.pathsep.join(
          [_REPO, os.environ.get("PYTHONPATH", "")])))
  first_checkpoint = os.path.join(workdir, "checkpoints", "10")
  deadline = time.time() + 180
  while not os.path.isdir(first_checkpoint) and process.poll() is None:
    assert time.time() < deadline, "the run wrote no checkpoint in 180 s"
    time.sleep(0.02)
  time.sleep(0.2)  # a few steps past the checkpoint
  process.kill()
  process.wait()
  log.close()
  with open(log_path) as f:
    assert process.returncode == -signal.SIGKILL, f.read()[-2000:]
  assert not os.path.exists(os.path.join(workdir, "final_metrics.json"))
  steps_done = max(r["step"] for r in _records(workdir, "train"))
  assert 10 <= steps_done < 40
  # The killed run was slowed by data.sleep_seconds, which does not change what it computes.
  resumed = training.train_and_evaluate(toy_task.toy_config(), workdir,
                                        allow_config_change=["data.sleep_seconds"])
  _assert_same_run(workdir, reference[0], reference[1], resumed)


def test_a_failed_first_start_leaves_no_workdir_an_existing_one_is_kept(tmp_path, monkeypatch):
  # Issue 18 (new-user pass): a start that failed after the tokenizers were saved left a
  # workdir holding vocab.json, which the corrected command then compared against.
  from rnnlab.training import train_loop  # pylint: disable=import-outside-toplevel

  def failing(config, workdir, allow_config_change):
    del config, allow_config_change
    with open(os.path.join(workdir, "vocab.json"), "w") as f:
      f.write("{}")
    raise ValueError("the model does not fit")

  monkeypatch.setattr(train_loop, "_train_and_evaluate", failing)
  fresh = tmp_path / "fresh"
  with pytest.raises(ValueError, match="does not fit"):
    training.train_and_evaluate(toy_task.toy_config(), str(fresh))
  assert not fresh.exists()
  mine = tmp_path / "mine"
  mine.mkdir()
  (mine / "notes.txt").write_text("kept")
  with pytest.raises(ValueError, match="does not fit"):
    training.train_and_evaluate(toy_task.toy_config(), str(mine))
  assert (mine / "notes.txt").read_text() == "kept"
