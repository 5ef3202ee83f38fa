"""Batches for truncated backpropagation through time (seeds 003, 004).

A split's token stream x_0 .. x_{N-1} gives M = N - 1 predictions (input x_i, target
x_{i+1}). They are cut into B parallel streams of L consecutive predictions each,
and each stream into segments of T steps. Batch k holds segment k of every stream:

    inputs[b, t]  = x[b * L + k * T + t]          int32 [B, T]
    targets[b, t] = x[b * L + k * T + t + 1]      int32 [B, T]

so ``targets[:, t] == inputs[:, t + 1]`` within a segment, the first input of segment
k + 1 follows the last input of segment k in the same row (the model carries its state
from batch to batch, gradient stopped), and stream b's last target is stream b+1's
first input. ``reset`` is True on the first batch of an epoch: the model zeroes the
carried state there.

``drop_remainder=True`` (training, as Zaremba et al.) keeps L = M // B and the
floor(L / T) full segments, so every mask is all ones; the split must hold at least
B * T + 1 tokens. ``drop_remainder=False`` (evaluation) pads the streams to
L = ceil(M / B) and the last segment to T; ``mask`` is 0.0 on padding, and the masks
add up to exactly M, so perplexity covers the whole split.
"""
import math
from typing import Any, Dict, Optional

import numpy as np

from rnnlab.data import resumable_iterator


class TBPTTBatches:
  """All TBPTT batches of one token stream; ``batch(k)`` is pure.

  Args:
    tokens: int [N] token ids of the whole split.
    batch_size: B parallel streams.
    seq_len: T steps per segment.
    drop_remainder: see the module docstring.
    name: the split's name, for error messages.
  """

  def __init__(self, tokens: np.ndarray, batch_size: int, seq_len: int,
               drop_remainder: bool = True, name: str = "split"):
    tokens = np.asarray(tokens)
    if tokens.ndim != 1 or not np.issubdtype(tokens.dtype, np.integer):
      raise ValueError(f"tokens must be a 1-D integer array, got {tokens.dtype} {tokens.shape}.")
    if batch_size < 1 or seq_len < 1:
      raise ValueError(f"batch_size and seq_len must be >= 1, got {batch_size}, {seq_len}.")
    self.batch_size, self.seq_len, self.name = batch_size, seq_len, name
    num_predictions = tokens.shape[0] - 1
    if drop_remainder:
      stream_len = num_predictions // batch_size if num_predictions > 0 else 0
      if stream_len < seq_len:
        raise ValueError(
            f"The {name} split has {tokens.shape[0]} tokens, shorter than one batch of "
            f"batch_size={batch_size} streams x seq_len={seq_len} steps (needs at least "
            f"{batch_size * seq_len + 1}). Use a smaller batch_size or seq_len.")
      num_segments = stream_len // seq_len
      used = batch_size * stream_len
      inputs = tokens[:used]
      targets = tokens[1:used + 1]
      mask = np.ones(used, np.float32)
      padded_len = stream_len
    else:
      if num_predictions < 1:
        raise ValueError(f"The {name} split has {tokens.shape[0]} tokens; evaluation needs >= 2.")
      stream_len = math.ceil(num_predictions / batch_size)
      num_segments = math.ceil(stream_len / seq_len)
      padded_len = num_segments * seq_len
      pad = batch_size * stream_len - num_predictions
      inputs = np.concatenate([tokens[:-1], np.zeros(pad, tokens.dtype)])
      targets = np.concatenate([tokens[1:], np.zeros(pad, tokens.dtype)])
      mask = np.concatenate([np.ones(num_predictions, np.float32), np.zeros(pad, np.float32)])
    self.stream_len = stream_len
    self.num_segments = num_segments
    self.num_predictions = int(mask.sum())
    self._inputs = self._streams(inputs, stream_len, padded_len, np.int32)
    self._targets = self._streams(targets, stream_len, padded_len, np.int32)
    self._mask = self._streams(mask, stream_len, padded_len, np.float32)

  def _streams(self, flat: np.ndarray, stream_len: int, padded_len: int, dtype) -> np.ndarray:
    """[B, padded_len]: row b = flat[b*L:(b+1)*L], right-padded with zeros."""
    rows = np.asarray(flat, dtype=dtype).reshape(self.batch_size, stream_len)
    out = np.zeros((self.batch_size, padded_len), dtype=dtype)
    width = min(stream_len, padded_len)
    out[:, :width] = rows[:, :width]
    return out

  def batch(self, position: int, epoch: int = 0) -> Dict[str, Any]:
    """Segment ``position`` of every stream.

    Returns:
      ``inputs`` int32 [B, T], ``targets`` int32 [B, T], ``mask`` float32 [B, T],
      ``reset`` bool [] (True at position 0), ``epoch`` and ``position`` (ints).
    """
    if not 0 <= position < self.num_segments:
      raise ValueError(f"position must be in [0, {self.num_segments}), got {position}.")
    window = slice(position * self.seq_len, (position + 1) * self.seq_len)
    return {"inputs": self._inputs[:, window], "targets": self._targets[:, window],
            "mask": self._mask[:, window], "reset": np.asarray(position == 0),
            "epoch": epoch, "position": position}

  def iterator(self, state: Optional[Dict[str, int]] = None,
               num_epochs: Optional[int] = None) -> resumable_iterator.ResumableIterator:
    """A checkpointable iterator over epochs of these batches (same order every epoch)."""
    return resumable_iterator.ResumableIterator(
        lambda epoch, position: self.batch(position, epoch), self.num_segments,
        state=state, num_epochs=num_epochs)

  def __iter__(self):
    """One pass over the split (evaluation)."""
    for position in range(self.num_segments):
      yield self.batch(position)
