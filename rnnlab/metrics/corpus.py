"""The input check shared by every corpus metric: references and hypotheses as sentences.

A metric over a corpus takes two equal-length sequences of sentences (``list[str]``). A bare
``str`` is a sequence too (of characters), so without this check ``corpus_bleu("the cat",
"the cat")`` would score characters as sentences; every corpus metric refuses it with the
same message (:func:`refuse_bare_str`; multi-reference metrics, whose references are lists
of lists, call it directly).
"""
from typing import Any, Sequence


def refuse_bare_str(name: str, value: Any) -> None:
  """Raises the shared ValueError if ``value`` (argument ``name``) is a ``str`` or ``bytes``."""
  if isinstance(value, (str, bytes)):
    raise ValueError(f"{name} must be a sequence with one entry per example (e.g. a list of "
                     f"str), not a single str (not a str, whose characters would be scored as "
                     f"examples); got {value[:40]!r}")


def check_sentences(references: Sequence[str], hypotheses: Sequence[str]) -> None:
  """Raises ValueError unless both are sequences of ``str`` of the same length.

  Raises:
    ValueError: either is a single ``str`` (or ``bytes``), holds a non-``str`` item, or the
      two lengths differ.
  """
  for name, texts in (("references", references), ("hypotheses", hypotheses)):
    refuse_bare_str(name, texts)
    bad = [type(t).__name__ for t in texts if not isinstance(t, str)]
    if bad:
      raise ValueError(f"{name} must be str sentences; got an item of type {bad[0]}")
  if len(references) != len(hypotheses):
    raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
