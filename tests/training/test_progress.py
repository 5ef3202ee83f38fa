"""Progress lines: the rate and ETA exclude the compile of the first step."""
from rnnlab.training import progress as progress_lib


class _Clock:
  def __init__(self):
    self.now = 100.0

  def __call__(self):
    return self.now


def test_restart_keeps_compile_time_out_of_rate_and_eta(monkeypatch):
  clock = _Clock()
  monkeypatch.setattr(progress_lib.time, "perf_counter", clock)
  progress = progress_lib.Progress(start_step=0, num_steps=1001)
  clock.now += 30.0  # first step: 30 s of XLA compilation
  progress.restart(1)
  clock.now += 10.0  # then 100 steps at 10 steps/s
  rate = progress.steps_per_sec(101)
  assert rate == 10.0
  line = progress.line(101, rate, {"loss": 1.0})
  assert "ETA 0:01:30" in line  # 900 steps left at 10 steps/s, not at the compile-diluted rate


def test_without_restart_the_rate_counts_everything(monkeypatch):
  clock = _Clock()
  monkeypatch.setattr(progress_lib.time, "perf_counter", clock)
  progress = progress_lib.Progress(start_step=0, num_steps=100)
  clock.now += 5.0
  assert progress.steps_per_sec(10) == 2.0


def test_format_duration():
  assert progress_lib.format_duration(3725.2) == "1:02:05"
  assert progress_lib.format_duration(-3) == "0:00:00"
