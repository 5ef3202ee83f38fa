"""The input check shared by every corpus metric: references and hypotheses as sentences.

A metric over a corpus takes two equal-length sequences of sentences (``list[str]``). A bare
``str`` is a sequence too (of characters), so without this check ``corpus_bleu("the cat",
"the cat")`` would score characters as sentences; every corpus metric refuses it with the
same message.
"""
from typing import Sequence


def check_sentences(references: Sequence[str], hypotheses: Sequence[str]) -> None:
  """Raises ValueError unless both are sequences of ``str`` of the same length.

  Raises:
    ValueError: either is a single ``str`` (or ``bytes``), holds a non-``str`` item, or the
      two lengths differ.
  """
  for name, texts in (("references", references), ("hypotheses", hypotheses)):
    if isinstance(texts, (str, bytes)):
      raise ValueError(f"{name} must be a sequence of sentences (e.g. a list of str), not a "
                       f"str; got {texts[:40]!r}")
    bad = [type(t).__name__ for t in texts if not isinstance(t, str)]
    if bad:
      raise ValueError(f"{name} must be str sentences; got an item of type {bad[0]}")
  if len(references) != len(hypotheses):
    raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
