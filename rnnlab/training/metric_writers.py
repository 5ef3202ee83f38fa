"""Run outputs: ``metrics.jsonl`` (one JSON object per line) and TensorBoard event files.

Each line of ``metrics.jsonl`` is ``{"step": int, "split": str, <metric>: float, ...}``;
``split`` is ``train`` (one line per step: loss, pre-clip ``grad_norm``, ``learning_rate``,
the task's metrics, and ``steps_per_sec`` on logging steps), ``eval`` (one line per
evaluation) or ``final`` (the task's end-of-run report). TensorBoard gets the same values
as ``<split>/<metric>`` scalars (written by tensorboardX, no TensorFlow needed).
"""
import json
import math
import os
from typing import Any, Mapping

import tensorboardX

from rnnlab.training import run_directory
from rnnlab.training.run_directory import read_metrics


def _json_value(value: Any) -> Any:
  value = float(value)
  return value if math.isfinite(value) else repr(value)  # JSON has no NaN/Inf


def truncate_after(path: str, step: int) -> None:
  """Drops records with ``step > step`` (written after the checkpoint being resumed)."""
  if not os.path.exists(path):
    return
  kept = [r for r in read_metrics(path) if r["step"] <= step]
  tmp = path + ".tmp"
  with open(tmp, "w") as f:
    for record in kept:
      f.write(json.dumps(record) + "\n")
  os.replace(tmp, path)


class MetricWriter:
  """Appends metric records to ``<workdir>/metrics.jsonl`` and TensorBoard.

  ``resume_step``: the step training restarts from; TensorBoard events after it from an
  earlier, interrupted run are purged so curves do not double back. ``enabled=False``
  (every process but the first on a multi-host run) makes every method a no-op.
  """

  def __init__(self, workdir: str, *, resume_step: int = 0, enabled: bool = True):
    self.path = run_directory.metrics_path(workdir)
    self.enabled = enabled
    if not enabled:
      return
    truncate_after(self.path, resume_step)
    self._file = open(self.path, "a")
    self._tb = tensorboardX.SummaryWriter(
        run_directory.tensorboard_dir(workdir),
        purge_step=resume_step + 1 if resume_step else None)

  def write(self, step: int, split: str, metrics: Mapping[str, Any]) -> None:
    if not self.enabled:
      return
    record = {"step": int(step), "split": split}
    record.update({name: _json_value(value) for name, value in metrics.items()})
    line = json.dumps(record) + "\n"
    try:
      self._file.write(line)
    except OSError as error:
      self._raise_if_disk_full(error, len(line))
      raise
    for name, value in metrics.items():
      self._tb.add_scalar(f"{split}/{name}", float(value), global_step=int(step))

  def flush(self) -> None:
    if not self.enabled:
      return
    try:
      self._file.flush()
    except OSError as error:
      self._raise_if_disk_full(error, None)
      raise
    self._tb.flush()

  def _raise_if_disk_full(self, error: OSError, needed_bytes: int | None) -> None:
    full = run_directory.disk_full_error(error, self.path, needed_bytes)
    if full is not None:
      raise full from error

  def close(self) -> None:
    if not self.enabled:
      return
    self._file.close()
    self._tb.close()
