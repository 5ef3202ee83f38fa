"""Character and word error rates (CER, WER) with jiwer.

Corpus-level rates: total edits (substitutions + deletions + insertions) over total
reference characters or words, which is what jiwer computes for lists. ``error_counts``
returns the two sums so a caller can add them up over batches and stay exact.
"""
from typing import Sequence

import jiwer


def _check(references: Sequence[str], hypotheses: Sequence[str]) -> None:
  if isinstance(references, str) or isinstance(hypotheses, str):
    raise ValueError("references and hypotheses must be sequences of strings, not a str.")
  if len(references) != len(hypotheses):
    raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses.")
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
