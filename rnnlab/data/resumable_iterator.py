"""A checkpointable iterator over batches indexed by (epoch, position).

The batches of an epoch are a pure function ``batch_fn(epoch, position)``, so the whole
iterator state is two integers. Saving ``get_state()`` with a checkpoint and passing it
back on restart makes a resumed run see exactly the batches it would have seen.
"""
from typing import Any, Callable, Dict, Optional


class ResumableIterator:
  """Yields ``batch_fn(epoch, position)`` for position 0..num_batches-1, epoch after epoch.

  Args:
    batch_fn: pure function ``(epoch, position) -> batch`` (a dict of arrays).
    num_batches: batches per epoch (>= 1).
    state: ``{'epoch': e, 'position': p}`` to resume from (default: the start).
    num_epochs: stop after this many epochs (``None``: never stop).
  """

  def __init__(self, batch_fn: Callable[[int, int], Dict[str, Any]], num_batches: int,
               state: Optional[Dict[str, int]] = None, num_epochs: Optional[int] = None):
    if num_batches < 1:
      raise ValueError(f"num_batches must be >= 1, got {num_batches}.")
    if num_epochs is not None and num_epochs < 1:
      raise ValueError(f"num_epochs must be >= 1 or None, got {num_epochs}.")
    self._batch_fn = batch_fn
    self.num_batches = num_batches
    self.num_epochs = num_epochs
    self._epoch, self._position = 0, 0
    if state is not None:
      self.set_state(state)

  def get_state(self) -> Dict[str, int]:
    """The position of the next batch: ``{'epoch': int, 'position': int}`` (JSON-able)."""
    return {"epoch": self._epoch, "position": self._position}

  def set_state(self, state: Dict[str, int]) -> None:
    epoch, position = int(state["epoch"]), int(state["position"])
    if epoch < 0 or not 0 <= position < self.num_batches:
      raise ValueError(f"Iterator state {dict(state)} is invalid: needs epoch >= 0 and "
                       f"0 <= position < {self.num_batches}.")
    self._epoch, self._position = epoch, position

  def __iter__(self) -> "ResumableIterator":
    return self

  def __next__(self) -> Dict[str, Any]:
    if self.num_epochs is not None and self._epoch >= self.num_epochs:
      raise StopIteration
    batch = self._batch_fn(self._epoch, self._position)
    self._position += 1
    if self._position == self.num_batches:
      self._epoch, self._position = self._epoch + 1, 0
    return batch
