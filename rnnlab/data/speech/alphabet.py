"""The character alphabet of the speech tasks, with the CTC blank at id 0.

Ids: ``0`` is the CTC blank (``optax.ctc_loss``'s default ``blank_id``), ``1..`` are
the characters of ``CHARACTERS`` in order (space first, then the apostrophe, then
``a``-``z``), so ``vocab_size`` counts the blank.
"""
import collections
import dataclasses
import re
from typing import Sequence

import numpy as np

BLANK_ID = 0
CHARACTERS = " '" + "abcdefghijklmnopqrstuvwxyz"

_NOT_IN_ALPHABET = re.compile(r"[^ 'a-z]")
_SPACES = re.compile(r" +")


def normalize_transcript(text: str) -> str:
  """Lower-cases ``text``, turns '-' and other characters outside the alphabet into spaces.

  Collapses runs of spaces and strips the ends, so ``"Hello,  World-wide!"`` becomes
  ``"hello world wide"``.
  """
  text = _NOT_IN_ALPHABET.sub(" ", text.lower())
  return _SPACES.sub(" ", text).strip()


def characters_outside(text: str) -> collections.Counter:
  """Counts the characters of ``text`` that ``normalize_transcript`` replaces by spaces.

  Case is not counted (upper-case letters are in the alphabet once lower-cased), so
  ``characters_outside("It's 5-0!")`` is ``Counter({'5': 1, '-': 1, '0': 1, '!': 1})``.
  """
  return collections.Counter(_NOT_IN_ALPHABET.findall(text.lower()))


@dataclasses.dataclass(frozen=True)
class Alphabet:
  """Maps characters to CTC label ids (blank = 0) and back."""

  characters: str = CHARACTERS

  def __post_init__(self):
    if len(set(self.characters)) != len(self.characters):
      raise ValueError(f"Alphabet characters must be unique, got {self.characters!r}.")

  @property
  def blank_id(self) -> int:
    return BLANK_ID

  @property
  def vocab_size(self) -> int:
    """Number of CTC classes: the characters plus the blank."""
    return len(self.characters) + 1

  def encode(self, text: str) -> np.ndarray:
    """Label ids of ``text``, int32 ``[L]``; raises on characters outside the alphabet."""
    index = {c: i + 1 for i, c in enumerate(self.characters)}
    unknown = sorted({c for c in text if c not in index})
    if unknown:
      raise ValueError(
          f"Transcript {text!r} has characters {unknown} outside the alphabet "
          f"{self.characters!r}; run normalize_transcript first.")
    return np.asarray([index[c] for c in text], dtype=np.int32)

  def decode(self, ids: Sequence[int]) -> str:
    """Returns the text of label ids; blanks are skipped, other ids must be in range."""
    chars = []
    for i in ids:
      i = int(i)
      if i == BLANK_ID:
        continue
      if not 1 <= i <= len(self.characters):
        raise ValueError(f"Label id {i} is outside [0, {len(self.characters)}].")
      chars.append(self.characters[i - 1])
    return "".join(chars)
