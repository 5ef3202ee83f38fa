"""Text classification batches: word ids padded to a bucket length, lengths, labels, weights.

Texts are normalised by :func:`normalize` (lower case; words, numbers and single punctuation
marks as tokens) and encoded with rnnlab's :class:`~rnnlab.data.word_tokenizer.WordTokenizer`
(vocabulary from the train split, unseen words -> ``<unk>``). A text longer than
``max_length`` tokens keeps its first ``max_length``; an empty one becomes one ``<unk>``.

A batch (``[B, L]``) is right-padded with id 0 to the smallest power of two >= 8 that fits
its longest text (at most ``max_length``), so the model compiles for a handful of lengths:
``{"tokens" int32 [B, L], "lengths" int32 [B], "labels" int32 [B], "weights" float32 [B]}``.
Training batches are epochs of a fresh shuffle (a pure function of ``(seed, epoch)``, so a
position resumes exactly); evaluation batches cover every example once, the last padded
with weight-0 rows.
"""
import re
from typing import Iterator, Sequence

import numpy as np

from rnnlab.data import epoch_order
from rnnlab.data import word_tokenizer

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
MIN_BUCKET = 8


def normalize(text: str) -> str:
  """Lower-cased tokens of ``text`` joined by single spaces (one line)."""
  return " ".join(_TOKEN.findall(text.lower()))


def fit_tokenizer(train_texts: Sequence[str], max_size: int | None = None,
                  min_count: int = 1) -> word_tokenizer.WordTokenizer:
  """A word vocabulary of the normalised train texts (``<unk>``, ``<eos>``, then by count)."""
  if isinstance(train_texts, str):
    raise ValueError("train_texts must be a list of texts, not a str")
  return word_tokenizer.WordTokenizer.fit("\n".join(normalize(t) for t in train_texts),
                                          max_size=max_size, min_count=min_count)


def encode_texts(tokenizer: word_tokenizer.WordTokenizer, texts: Sequence[str],
                 max_length: int) -> list[np.ndarray]:
  """int32 ids of each text, truncated to ``max_length`` (>= 1), never empty."""
  if max_length < 1:
    raise ValueError(f"max_length={max_length}; allowed: >= 1")
  unk = tokenizer.vocabulary.unk_id
  out = []
  for text in texts:
    ids = tokenizer.encode(normalize(text))[:max_length]
    out.append(ids if ids.size else np.array([unk], np.int32))
  return out


def bucket_length(longest: int, max_length: int) -> int:
  """The smallest power of two >= max(longest, 8), capped at ``max_length``."""
  length = MIN_BUCKET
  while length < longest:
    length *= 2
  return min(length, max(max_length, longest))


def make_batch(sequences: Sequence[np.ndarray], labels: np.ndarray, index: np.ndarray,
               batch_size: int, max_length: int) -> dict[str, np.ndarray]:
  """The batch of rows ``index`` (fewer than ``batch_size``: padded with weight-0 rows)."""
  rows = [sequences[i] for i in index]
  length = bucket_length(max(r.shape[0] for r in rows), max_length)
  tokens = np.zeros((batch_size, length), np.int32)
  lengths = np.zeros((batch_size,), np.int32)
  for row, ids in enumerate(rows):
    tokens[row, :ids.shape[0]] = ids
    lengths[row] = ids.shape[0]
  batch_labels = np.zeros((batch_size,), np.int32)
  batch_labels[:len(rows)] = labels[index]
  weights = np.zeros((batch_size,), np.float32)
  weights[:len(rows)] = 1.0
  return {"tokens": tokens, "lengths": lengths, "labels": batch_labels, "weights": weights}


def train_batch(sequences: Sequence[np.ndarray], labels: np.ndarray, *, position: int,
                batch_size: int, max_length: int, seed: int, shard_index: int = 0,
                shard_count: int = 1) -> dict[str, np.ndarray]:
  """Batch number ``position`` of the endless shuffled stream (:mod:`rnnlab.data.epoch_order`).

  Raises ValueError if one global batch needs more examples than there are.
  """
  index = epoch_order.batch_indices(position, len(sequences), batch_size=batch_size, seed=seed,
                                    shard_index=shard_index, shard_count=shard_count)
  return make_batch(sequences, labels, index, batch_size, max_length)


def eval_batches(sequences: Sequence[np.ndarray], labels: np.ndarray, *, batch_size: int,
                 max_length: int) -> Iterator[dict[str, np.ndarray]]:
  """Every example once, in order; the last batch padded with weight-0 rows."""
  for start in range(0, len(sequences), batch_size):
    index = np.arange(start, min(start + batch_size, len(sequences)))
    yield make_batch(sequences, labels, index, batch_size, max_length)
