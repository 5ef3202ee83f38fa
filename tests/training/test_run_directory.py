"""rnnlab.training.run_directory: resume rules (config compared first, nothing moved or
overwritten when refusing), the best checkpoint across restarts, a full disk, refused
workdirs and datasets, best_metric validation. Runs on the toy task (tests/training/toy_task).
"""
import errno
import os
import shutil
import subprocess

import pytest

from rnnlab import config_validation
from rnnlab import training
from rnnlab.training import checkpoints
from rnnlab.training import metric_writers
from rnnlab.training import run_directory
from tests.tasks.test_language_model import tiny_char_config, write_ptb
from tests.training import toy_task


def _snapshot(workdir):
  """Every file under ``workdir`` with its bytes (what must stay untouched)."""
  files = {}
  for root, _, names in os.walk(workdir):
    for name in names:
      path = os.path.join(root, name)
      with open(path, "rb") as f:
        files[os.path.relpath(path, workdir)] = f.read()
  return files


@pytest.fixture(scope="module")
def ten_steps(tmp_path_factory):
  """A toy run stopped at step 10 (one checkpoint, one eval)."""
  workdir = str(tmp_path_factory.mktemp("ten_steps") / "run")
  training.train_and_evaluate(toy_task.toy_config(num_steps=10), workdir)
  return workdir


def _copy(ten_steps, tmp_path):
  workdir = str(tmp_path / "run")
  shutil.copytree(ten_steps, workdir)
  return workdir


def test_changed_model_is_refused_listing_the_keys_and_nothing_moves(ten_steps, tmp_path):
  # On main this moved the good checkpoint to checkpoints_corrupt/ and restarted at step 0.
  workdir = _copy(ten_steps, tmp_path)
  before = _snapshot(workdir)
  config = toy_task.toy_config()
  config.model.hidden = 8
  config.optimizer.learning_rate = 0.02
  with pytest.raises(run_directory.RunDirectoryError,
                     match=r"trained with another config \(model.hidden: 4 -> 8; "
                     r"optimizer.learning_rate: 0.01 -> 0.02\); nothing was changed. Use a new "
                     r"--workdir, or.*--allow_config_change=model.hidden,"
                     r"optimizer.learning_rate"):
    training.train_and_evaluate(config, workdir)
  assert _snapshot(workdir) == before
  assert not os.path.exists(os.path.join(workdir, "checkpoints_corrupt"))


def test_allowing_a_shape_change_is_still_refused_by_the_checkpoint(ten_steps, tmp_path):
  workdir = _copy(ten_steps, tmp_path)
  before = _snapshot(workdir)
  config = toy_task.toy_config()
  config.model.hidden = 8
  with pytest.raises(checkpoints.CheckpointMismatchError,
                     match=r"checkpoints/10 does not fit this config \(params\['out'\]\['kernel'\]:"
                     r" \(\(4, 1\), 'float32'\) -> \(\(8, 1\), 'float32'\).*left in place"):
    training.train_and_evaluate(config, workdir, allow_config_change=["model.hidden"])
  assert _snapshot(workdir) == before


def test_resumable_keys_and_explicit_overrides_resume(ten_steps, tmp_path):
  workdir = _copy(ten_steps, tmp_path)
  config = toy_task.toy_config(num_steps=20, log_every=10)  # RESUMABLE_KEYS: no flag needed
  config.optimizer.learning_rate = 0.005
  with pytest.raises(run_directory.RunDirectoryError, match="optimizer.learning_rate"):
    training.train_and_evaluate(config, workdir)
  result = training.train_and_evaluate(config, workdir, allow_config_change="optimizer")
  assert result["status"] == "completed" and result["step"] == 20
  assert training.read_config(workdir).optimizer.learning_rate == 0.005  # written once resumed
  steps = [r["step"] for r in training.read_metrics(workdir) if r["split"] == "train"]
  assert steps == list(range(1, 21))  # resumed at 10, not restarted
  with pytest.raises(ValueError, match="may not name 'task'"):
    training.train_and_evaluate(config, workdir, allow_config_change=["task"])


def test_a_run_directory_of_another_task_is_refused(ten_steps, tmp_path):
  workdir = _copy(ten_steps, tmp_path)
  before = _snapshot(workdir)
  config = training.base_config("adding")
  with pytest.raises(run_directory.RunDirectoryError,
                     match="holds a 'toy_carry' run; this config trains 'adding'.*new --workdir"):
    training.train_and_evaluate(config, workdir)
  assert _snapshot(workdir) == before


def test_the_best_checkpoint_survives_a_restart(tmp_path):
  # toy_config keeps the best by the *highest* eval loss: step 10. On main, orbax's BestN
  # forgot it after the resume and deleted it.
  workdir = str(tmp_path / "run")
  training.train_and_evaluate(toy_task.toy_config(num_steps=20), workdir)
  training.train_and_evaluate(toy_task.toy_config(), workdir)
  evals = {r["step"]: r["loss"] for r in training.read_metrics(workdir) if r["split"] == "eval"}
  best = max(evals, key=evals.get)
  assert best == 10
  assert run_directory.checkpoint_steps(workdir) == [10, 30, 40]
  config = training.read_config(workdir)
  assert run_directory.candidate_steps(workdir, config, "best")[0] == 10
  assert run_directory.restore_params(workdir, config, "best").step == 10


class _FullFile:
  """A file whose writes fail with ENOSPC (a full disk, injected)."""

  def __init__(self, file):
    self._file = file

  def write(self, text):
    raise OSError(errno.ENOSPC, "No space left on device")

  def __getattr__(self, name):
    return getattr(self._file, name)


def test_full_disk_names_the_file_and_the_run_resumes(tmp_path, monkeypatch):
  reference = training.train_and_evaluate(toy_task.toy_config(), str(tmp_path / "reference"))
  workdir = str(tmp_path / "run")
  original_write = metric_writers.MetricWriter.write

  def write(self, step, split, metrics):
    if step == 15 and not isinstance(self._file, _FullFile):  # pylint: disable=protected-access
      self._file = _FullFile(self._file)  # pylint: disable=protected-access
    original_write(self, step, split, metrics)

  monkeypatch.setattr(metric_writers.MetricWriter, "write", write)
  with pytest.raises(run_directory.DiskFullError,
                     match=r"disk full writing .*run/metrics.jsonl \(about [\d.]+ KiB needed, "
                     r"[\d.]+ [KMG]iB free\); free some space and run the same command again"):
    training.train_and_evaluate(toy_task.toy_config(), workdir)
  monkeypatch.undo()
  assert run_directory.checkpoint_steps(workdir) == [10]
  assert training.train_and_evaluate(toy_task.toy_config(), workdir) == reference


def test_full_disk_before_a_checkpoint_names_it(tmp_path, monkeypatch):
  class Usage:
    free = 10

  monkeypatch.setattr(checkpoints.shutil, "disk_usage", lambda path: Usage())
  with pytest.raises(run_directory.DiskFullError,
                     match=r"disk full writing .*checkpoints/10 \(about [\d.]+ KiB needed, "
                     r"0.0 KiB free\)"):
    training.train_and_evaluate(toy_task.toy_config(), str(tmp_path / "run"))


def test_workdir_that_is_a_file_is_refused(tmp_path):
  path = tmp_path / "file"
  path.write_text("x")
  with pytest.raises(run_directory.RunDirectoryError, match="is an existing file"):
    training.train_and_evaluate(toy_task.toy_config(), str(path))
  assert path.read_text() == "x"


@pytest.fixture
def read_only_dir(tmp_path):
  """A directory this process cannot write in (a read-only tmpfs when running as root)."""
  path = tmp_path / "read_only"
  path.mkdir()
  if os.geteuid() != 0:
    path.chmod(0o555)
    yield path
    path.chmod(0o755)
    return
  if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(path)],
                    capture_output=True, check=False).returncode:
    pytest.skip("root without mount: no way to make a read-only directory")
  yield path
  subprocess.run(["umount", str(path)], check=False)


def test_workdir_on_a_read_only_directory_is_refused(read_only_dir):
  with pytest.raises(run_directory.RunDirectoryError, match="is not writable"):
    training.train_and_evaluate(toy_task.toy_config(), str(read_only_dir / "run"))


def test_unprepared_tfds_dataset_is_refused_before_anything_is_written(tmp_path):
  config = tiny_char_config(write_ptb(tmp_path / "ptb"))
  config.data.dataset = "tiny_shakespeare"
  config.data.path = ""
  config.data.data_dir = str(tmp_path / "empty_tfds")
  workdir = tmp_path / "run"
  with pytest.raises(ValueError, match="tfds build tiny_shakespeare"):
    training.train_and_evaluate(config, str(workdir))
  assert not workdir.exists()


def test_best_metric_must_be_an_eval_metric_of_the_task():
  config = training.base_config("adding")
  config.train.best_metric = "los"
  with pytest.raises(ValueError, match=r"invalid value 'los' for config.train.best_metric; "
                     r"allowed: the eval metrics of task 'adding' \('loss', 'mse'"):
    config_validation.validate_config(config, num_devices=1)
  config.train.best_metric = ""  # keep no best: valid
  config_validation.validate_config(config, num_devices=1)


def test_config_changes_and_allowed_keys():
  saved = {"task": "t", "model": {"sizes": [1, 2], "cell": "lstm"}, "train": {"num_steps": 5}}
  requested = {"task": "t", "model": {"sizes": (1, 2), "cell": "gru", "new": 1},
               "train": {"num_steps": 9}}
  assert run_directory.config_changes(saved, requested) == [
      ("model.cell", "lstm", "gru"), ("model.new", "(absent)", 1),
      ("train.num_steps", 5, 9)]
  assert run_directory.parse_allowed_changes(" optimizer, model.cell ,") == (
      "optimizer", "model.cell")
