"""Character and word error rates (CER, WER) with jiwer.

Corpus-level rates: total edits (substitutions + deletions + insertions) over total
reference characters or words, which is what jiwer computes for lists. ``error_counts``
returns the two sums so a caller can add them up over batches and stay exact.
"""
from typing import Sequence

import jiwer

from rnnlab.metrics.corpus import check_sentences


def _check(references: Sequence[str], hypotheses: Sequence[str]) -> None:
  check_sentences(references, hypotheses)
  empty = [i for i, r in enumerate(references) if not r.strip()]
  if empty:
    raise ValueError(f"references {empty[:5]} are empty; CER/WER need non-empty references.")


def error_counts(references: Sequence[str], hypotheses: Sequence[str]) -> dict[str, int]:
  """Edit counts: ``char_errors``, ``chars``, ``word_errors``, ``words`` (sums over the lists)."""
  _check(references, hypotheses)
  if not references:
    return {"char_errors": 0, "chars": 0, "word_errors": 0, "words": 0}
  words = jiwer.process_words(list(references), list(hypotheses))
  chars = jiwer.process_characters(list(references), list(hypotheses))
  return {
      "char_errors": chars.substitutions + chars.deletions + chars.insertions,
      "chars": chars.substitutions + chars.deletions + chars.hits,
      "word_errors": words.substitutions + words.deletions + words.insertions,
      "words": words.substitutions + words.deletions + words.hits,
  }


def cer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
  """Character error rate of a corpus (0 = perfect; can exceed 1 with insertions)."""
  _check(references, hypotheses)
  return float(jiwer.cer(list(references), list(hypotheses)))


def wer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
  """Word error rate of a corpus (0 = perfect; can exceed 1 with insertions)."""
  _check(references, hypotheses)
  return float(jiwer.wer(list(references), list(hypotheses)))


def edit_distances(hypotheses, hypothesis_lengths, references, reference_lengths):
  """Levenshtein distances between padded id sequences, in JAX (jit-able): int32 ``[B]``.

  Args:
    hypotheses: int ``[B, H]``; row b's first ``hypothesis_lengths[b]`` ids count.
    hypothesis_lengths: int ``[B]``.
    references: int ``[B, R]``; row b's first ``reference_lengths[b]`` ids count.
    reference_lengths: int ``[B]``.

  One ``lax.scan`` over hypothesis positions; within a row the insertion chain
  ``D[i, j] = min(a[j], D[i, j-1] + 1)`` is ``j + cummin(a[k] - k)``, so each step is
  vectorised over the reference positions and the batch.
  """
  import jax  # pylint: disable=g-import-not-at-top
  import jax.numpy as jnp  # pylint: disable=g-import-not-at-top
  hypotheses, references = jnp.asarray(hypotheses), jnp.asarray(references)
  b, r = references.shape
  columns = jnp.arange(r + 1, dtype=jnp.int32)[None, :]  # [1, R + 1]
  first_row = jnp.broadcast_to(columns, (b, r + 1))

  def step(row, inputs):
    i, token = inputs  # i: 1-based hypothesis position; token [B]
    cost = (references != token[:, None]).astype(jnp.int32)  # [B, R]
    substitute = row[:, :-1] + cost
    delete = row[:, 1:] + 1
    a = jnp.concatenate([row[:, :1] + 1, jnp.minimum(substitute, delete)], axis=1)
    new_row = columns + jax.lax.cummin(a - columns, axis=1)
    active = (i <= jnp.asarray(hypothesis_lengths))[:, None]
    return jnp.where(active, new_row, row), None

  positions = jnp.arange(1, hypotheses.shape[1] + 1, dtype=jnp.int32)
  last_row, _ = jax.lax.scan(step, first_row, (positions, hypotheses.T.astype(references.dtype)))
  return jnp.take_along_axis(last_row, jnp.asarray(reference_lengths)[:, None], axis=1)[:, 0]
