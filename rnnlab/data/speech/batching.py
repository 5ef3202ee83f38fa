"""Padded batches of utterances, bucketed by duration, checkpointable by (epoch, position).

A batch is a dict of NumPy arrays:

* ``audio`` int16 ``[B, N]``: waveforms right-padded with zeros to the batch's bucket
  (the smallest multiple of ``bucket_samples`` that fits its longest utterance), so the
  train step compiles once per bucket, not once per length;
* ``num_samples`` int32 ``[B]``;
* ``labels`` int32 ``[B, L]`` (padded with the blank id 0 to ``label_length``),
  ``label_lengths`` int32 ``[B]``.

Rows of a bucket's last, short batch have ``num_samples = label_lengths = 0`` (weight 0).
An epoch's order is a pure function of ``(seed, epoch)``: utterances shuffled within
their bucket, cut into batches, batches shuffled.
"""
from typing import Any, Sequence

import numpy as np

from rnnlab.data import epoch_order
from rnnlab.data import resumable_iterator


class SpeechBatches:
  """Duration-bucketed padded batches of (audio, labels).

  Args:
    audios: int16 waveforms ``[N_i]``.
    labels: int label ids ``[L_i]`` (no blanks).
    batch_size: B.
    bucket_samples: padding granularity of the audio, samples (e.g. 1 s = 16000).
    label_length: L, at least the longest label.
    shuffle, seed: per-epoch shuffling.
  """

  def __init__(self, audios: Sequence[np.ndarray], labels: Sequence[np.ndarray], batch_size: int,
               bucket_samples: int, label_length: int, shuffle: bool = True, seed: int = 0):
    if len(audios) != len(labels) or not audios:
      raise ValueError(f"Need as many labels as audios, at least one; got {len(audios)} "
                       f"audios and {len(labels)} labels.")
    if batch_size < 1 or bucket_samples < 1:
      raise ValueError(f"batch_size and bucket_samples must be >= 1, got {batch_size}, "
                       f"{bucket_samples}.")
    self.audios, self.labels = list(audios), [np.asarray(l, np.int32) for l in labels]
    self.num_samples = np.array([a.shape[0] for a in self.audios], np.int64)
    longest_label = max(l.shape[0] for l in self.labels)
    if longest_label > label_length:
      raise ValueError(f"label_length={label_length} is shorter than the longest label "
                       f"({longest_label}).")
    self.batch_size, self.bucket_samples = batch_size, bucket_samples
    self.label_length = label_length
    self.shuffle, self.seed = shuffle, seed
    self._bucket_of = -(-self.num_samples // bucket_samples)  # ceil: buckets 1, 2, ...
    self.num_batches = epoch_order.num_bucketed_batches(self._bucket_of, batch_size)

  def plan(self, epoch: int) -> list[np.ndarray]:
    """The utterance indices of each batch of ``epoch``, in order."""
    return epoch_order.bucketed_batches(self._bucket_of, self.batch_size, seed=self.seed,
                                        epoch=epoch, shuffle=self.shuffle)

  def make_batch(self, indices: np.ndarray) -> dict[str, Any]:
    width = int(self._bucket_of[indices].max()) * self.bucket_samples
    audio = np.zeros((self.batch_size, width), np.int16)
    num_samples = np.zeros(self.batch_size, np.int32)
    labels = np.zeros((self.batch_size, self.label_length), np.int32)
    label_lengths = np.zeros(self.batch_size, np.int32)
    for row, i in enumerate(indices):
      n, label = self.audios[i].shape[0], self.labels[i]
      audio[row, :n], num_samples[row] = self.audios[i], n
      labels[row, :label.shape[0]], label_lengths[row] = label, label.shape[0]
    return {"audio": audio, "num_samples": num_samples, "labels": labels,
            "label_lengths": label_lengths}

  def iterator(self, state=None, num_epochs=None) -> resumable_iterator.ResumableIterator:
    """A checkpointable infinite (or ``num_epochs``) iterator."""
    cache: dict[int, list[np.ndarray]] = {}

    def batch_fn(epoch: int, position: int) -> dict[str, Any]:
      if epoch not in cache:
        cache.clear()
        cache[epoch] = self.plan(epoch)
      return self.make_batch(cache[epoch][position])

    return resumable_iterator.ResumableIterator(batch_fn, self.num_batches, state=state,
                                                num_epochs=num_epochs)

  def __iter__(self):
    """One pass in epoch-0 order."""
    for indices in self.plan(0):
      yield self.make_batch(indices)
