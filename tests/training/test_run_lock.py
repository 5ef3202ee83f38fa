"""rnnlab.training.run_lock: one run per run directory; a killed run's lock is taken over."""
import os
import signal
import subprocess
import sys
import time

import pytest

from rnnlab import training
from rnnlab.training import run_lock
from tests.training import toy_task

_TOY_RUN = os.path.join(os.path.dirname(__file__), "toy_run.py")
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_held_run_directory_is_refused_naming_the_holder(tmp_path):
  workdir = str(tmp_path / "run")
  with run_lock.RunLock(workdir):
    with pytest.raises(run_lock.RunLockedError,
                       match=rf"in use by another run \(PID {os.getpid()} on .*\.rnnlab\.lock"):
      training.train_and_evaluate(toy_task.toy_config(num_steps=2), workdir)
  assert os.listdir(workdir) == []  # the refused run wrote nothing; the lock file is gone


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
  dead = subprocess.Popen([sys.executable, "-c", "pass"])
  dead.wait()
  workdir = tmp_path / "run"
  workdir.mkdir()
  (workdir / ".rnnlab.lock").write_text(f"{dead.pid} somehost\n")
  with run_lock.RunLock(str(workdir)) as lock:
    assert lock.took_over == dead.pid
    assert (workdir / ".rnnlab.lock").read_text().split()[0] == str(os.getpid())
  assert not (workdir / ".rnnlab.lock").exists()


@pytest.mark.slow
def test_second_process_exits_at_once_and_kill_9_lock_is_taken_over(tmp_path):
  workdir = str(tmp_path / "run")
  env = dict(os.environ, PYTHONPATH=os.pathsep.join([_REPO, os.environ.get("PYTHONPATH", "")]))
  first = subprocess.Popen([sys.executable, _TOY_RUN, f"--workdir={workdir}",
                            "--config.data.sleep_seconds=3"],  # 2 minutes of training
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
  lock_file = os.path.join(workdir, ".rnnlab.lock")
  deadline = time.time() + 180
  while not (os.path.exists(lock_file) and open(lock_file).read().strip()):
    assert first.poll() is None and time.time() < deadline, "the first run took no lock"
    time.sleep(0.05)
  second = subprocess.run([sys.executable, _TOY_RUN, f"--workdir={workdir}"], env=env,
                          capture_output=True, text=True, timeout=300)
  assert first.poll() is None  # still training
  assert second.returncode == 1
  assert second.stderr.strip().splitlines()[-1].startswith(
      f"rnnlab.main: '{workdir}' is in use by another run (PID {first.pid} on ")
  assert "Traceback" not in second.stderr
  first.send_signal(signal.SIGKILL)
  first.wait()
  assert os.path.exists(os.path.join(workdir, ".rnnlab.lock"))  # left by the killed run
  result = training.train_and_evaluate(toy_task.toy_config(), workdir,
                                       allow_config_change=["data.sleep_seconds"])
  assert result["status"] == "completed" and result["step"] == 40
  assert not os.path.exists(lock_file)
