"""Progress lines for the log: step, steps/s, ETA and the current metrics."""
import datetime
import time
from typing import Mapping


def format_duration(seconds: float) -> str:
  """``3725.2`` -> ``'1:02:05'``."""
  return str(datetime.timedelta(seconds=int(round(max(seconds, 0.0)))))


class Progress:
  """Measures steps/s between calls of :meth:`line` and estimates the time left.

  The first step of a run includes XLA compilation (tens of seconds for a large model);
  :meth:`restart` after it keeps that time out of the rate, so the ETA of the first
  progress line is not inflated by the compile.
  """

  def __init__(self, start_step: int, num_steps: int):
    self.num_steps = num_steps
    self._last_step = start_step
    self._last_time = time.perf_counter()

  def restart(self, step: int) -> None:
    """Measures the rate from ``step`` and now on (call it once the compiled step has run)."""
    self._last_step, self._last_time = step, time.perf_counter()

  def steps_per_sec(self, step: int) -> float:
    """Rate since the previous call (time spent in eval/checkpoints included)."""
    now = time.perf_counter()
    rate = (step - self._last_step) / max(now - self._last_time, 1e-9)
    self._last_step, self._last_time = step, now
    return rate

  def line(self, step: int, steps_per_sec: float, metrics: Mapping[str, float]) -> str:
    """e.g. ``step 200/1000 (20%) | 95.1 steps/s | ETA 0:00:08 | loss 0.0412 ...``."""
    eta = (self.num_steps - step) / steps_per_sec if steps_per_sec > 0 else float("inf")
    eta_text = format_duration(eta) if eta != float("inf") else "?"
    values = " ".join(f"{name} {value:.4g}" for name, value in metrics.items())
    return (f"step {step}/{self.num_steps} ({100 * step / self.num_steps:.0f}%) | "
            f"{steps_per_sec:.1f} steps/s | ETA {eta_text} | {values}")
