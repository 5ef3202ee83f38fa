"""Padded batches of whole sentences (full BPTT), with optional length bucketing.

Each sequence s (int ids, length n >= 2) gives ``inputs = s[:-1]``, ``targets = s[1:]``
and length n - 1. A batch is B sequences right-padded with ``pad_id`` to a common
length: the longest in the batch, or with ``bucket_boundaries`` the smallest boundary
that fits it (so the model compiles once per bucket, not once per length). Batches
always have B rows; the rows of a last, short batch have length 0 and mask 0.

The order of an epoch is a pure function of ``(seed, epoch)``: sequences are shuffled
(within their bucket when bucketing), cut into batches, and the batches shuffled. So a
``ResumableIterator`` state ``{'epoch', 'position'}`` resumes exactly.
"""
import bisect
from typing import Any, Dict, Iterable, List, Optional, Sequence

import numpy as np

from rnnlab.data import epoch_order
from rnnlab.data import resumable_iterator


def lm_sentences(lines: Iterable[str], tokenizer, eos_id: int) -> List[np.ndarray]:
  """Language-model sequences ``[<eos>, w_1 .. w_n, <eos>]`` for each non-empty line.

  The leading ``<eos>`` is the start symbol (as in PTB-style sentence LMs), so the
  model predicts every word and the final ``<eos>``.
  """
  out = []
  for line in lines:
    ids = tokenizer.encode(line.rstrip("\n"), on_unseen="unk")
    if ids.shape[0]:
      out.append(np.concatenate([[eos_id], ids, [eos_id]]).astype(np.int32))
  return out


class SentenceBatches:
  """Padded, masked batches of variable-length sequences.

  Args:
    sequences: int arrays, each of length >= 2.
    batch_size: B rows per batch.
    bucket_boundaries: increasing padded lengths (of inputs, i.e. n - 1); ``None``: pad
      to the longest in each batch. A sequence longer than the last boundary is an error.
    shuffle: shuffle per epoch from ``seed`` (False: corpus order).
    seed: the shuffling seed.
    pad_id: id written at padded positions.
  """

  def __init__(self, sequences: Sequence[np.ndarray], batch_size: int,
               bucket_boundaries: Optional[Sequence[int]] = None, shuffle: bool = True,
               seed: int = 0, pad_id: int = 0):
    if batch_size < 1:
      raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    if not sequences:
      raise ValueError("SentenceBatches needs at least one sequence, got none.")
    self.sequences = [np.asarray(s, dtype=np.int32) for s in sequences]
    short = [i for i, s in enumerate(self.sequences) if s.ndim != 1 or s.shape[0] < 2]
    if short:
      raise ValueError(f"Sequences must be 1-D with length >= 2; bad indices {short[:10]}.")
    self.lengths = np.array([s.shape[0] - 1 for s in self.sequences], dtype=np.int32)
    self.batch_size, self.shuffle, self.seed, self.pad_id = batch_size, shuffle, seed, pad_id
    if bucket_boundaries is not None:
      bounds = [int(b) for b in bucket_boundaries]
      if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
        raise ValueError(f"bucket_boundaries must be increasing positive ints, got {bounds}.")
      too_long = int(self.lengths.max())
      if too_long > bounds[-1]:
        raise ValueError(f"A sequence has {too_long} steps, more than the last bucket "
                         f"boundary {bounds[-1]}; add a larger boundary.")
      self.bucket_boundaries = tuple(bounds)
      self._bucket_of = np.array([bisect.bisect_left(bounds, n) for n in self.lengths])
    else:
      self.bucket_boundaries = None
      self._bucket_of = np.zeros(len(self.sequences), dtype=np.int64)
    self.num_batches = epoch_order.num_bucketed_batches(self._bucket_of, batch_size)

  def plan(self, epoch: int) -> List[np.ndarray]:
    """The sequence indices of each batch of ``epoch``, in order."""
    return epoch_order.bucketed_batches(self._bucket_of, self.batch_size, seed=self.seed,
                                        epoch=epoch, shuffle=self.shuffle)

  def _pad_to(self, longest: int) -> int:
    if self.bucket_boundaries is None:
      return longest
    return self.bucket_boundaries[bisect.bisect_left(self.bucket_boundaries, longest)]

  def make_batch(self, indices: np.ndarray) -> Dict[str, Any]:
    """``inputs``/``targets`` int32 [B, T], ``mask`` float32 [B, T], ``lengths`` int32 [B]."""
    lengths = np.zeros(self.batch_size, dtype=np.int32)
    lengths[:len(indices)] = self.lengths[indices]
    width = self._pad_to(int(lengths.max()))
    inputs = np.full((self.batch_size, width), self.pad_id, dtype=np.int32)
    targets = np.full((self.batch_size, width), self.pad_id, dtype=np.int32)
    for row, i in enumerate(indices):
      seq = self.sequences[i]
      inputs[row, :seq.shape[0] - 1] = seq[:-1]
      targets[row, :seq.shape[0] - 1] = seq[1:]
    mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.float32)
    return {"inputs": inputs, "targets": targets, "mask": mask, "lengths": lengths}

  def batch(self, position: int, epoch: int = 0) -> Dict[str, Any]:
    """Batch ``position`` of ``epoch`` (pure), with ``epoch`` and ``position`` added."""
    if not 0 <= position < self.num_batches:
      raise ValueError(f"position must be in [0, {self.num_batches}), got {position}.")
    out = self.make_batch(self.plan(epoch)[position])
    out.update(epoch=epoch, position=position)
    return out

  def iterator(self, state: Optional[Dict[str, int]] = None,
               num_epochs: Optional[int] = None) -> resumable_iterator.ResumableIterator:
    """A checkpointable iterator; each epoch has its own order."""
    cache: Dict[int, List[np.ndarray]] = {}

    def batch_fn(epoch: int, position: int) -> Dict[str, Any]:
      if epoch not in cache:
        cache.clear()
        cache[epoch] = self.plan(epoch)
      out = self.make_batch(cache[epoch][position])
      out.update(epoch=epoch, position=position)
      return out

    return resumable_iterator.ResumableIterator(batch_fn, self.num_batches, state=state,
                                                num_epochs=num_epochs)

  def __iter__(self):
    """One pass in epoch-0 order (evaluation: pass ``shuffle=False`` for corpus order)."""
    for indices in self.plan(0):
      yield self.make_batch(indices)
