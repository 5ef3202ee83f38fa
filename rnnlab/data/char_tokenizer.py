"""Character tokenizer: one id per Unicode character, vocabulary from the train text.

Id 0 is ``<unk>`` (decoded as U+FFFD); the other ids are the train text's characters in
code-point order. ``encode(..., on_unseen='error')`` (the default, used for sampling
prompts) rejects characters the train text never had and lists them;
``on_unseen='unk'`` (used for valid/test streams) maps them to ``<unk>``.
Encoding is vectorised: a code-point lookup table over ``np.frombuffer`` of UTF-32.
"""
from typing import Iterable, Tuple

import numpy as np

from rnnlab.data import vocabulary as vocabulary_lib

ON_UNSEEN = ("error", "unk")
UNK_CHAR = "\ufffd"


def _code_points(text: str) -> np.ndarray:
  """int64 [N] code points of ``text``."""
  return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


class CharTokenizer:
  """Characters <-> int32 ids."""

  def __init__(self, vocabulary: vocabulary_lib.Vocabulary):
    if vocabulary.kind != "char":
      raise ValueError(f"CharTokenizer needs a 'char' vocabulary, got {vocabulary.kind!r}.")
    bad = [t for t in vocabulary.tokens if t != vocabulary_lib.UNK and len(t) != 1]
    if bad:
      raise ValueError(f"Char vocabulary tokens must be single characters; got {bad[:10]}.")
    self.vocabulary = vocabulary
    chars = [(i, t) for i, t in enumerate(vocabulary.tokens) if t != vocabulary_lib.UNK]
    max_code = max((ord(t) for _, t in chars), default=0)
    self._table = np.full(max_code + 1, -1, dtype=np.int32)
    for i, t in chars:
      self._table[ord(t)] = i
    self._decode_table = np.array(
        [UNK_CHAR if t == vocabulary_lib.UNK else t for t in vocabulary.tokens])

  @classmethod
  def fit(cls, train_text: str) -> "CharTokenizer":
    """Vocabulary = ``<unk>`` + the distinct characters of ``train_text``."""
    if not train_text:
      raise ValueError("Cannot build a char vocabulary from an empty train text.")
    chars = np.unique(_code_points(train_text))
    tokens = (vocabulary_lib.UNK,) + tuple(chr(c) for c in chars)
    return cls(vocabulary_lib.Vocabulary(kind="char", tokens=tokens))

  @property
  def vocab_size(self) -> int:
    return self.vocabulary.size

  def unseen(self, text: str) -> Tuple[str, ...]:
    """The distinct characters of ``text`` that are not in the vocabulary, sorted."""
    ids = self._lookup(_code_points(text))
    return tuple(sorted(set(text[i] for i in np.flatnonzero(ids < 0))))

  def _lookup(self, codes: np.ndarray) -> np.ndarray:
    ids = np.full(codes.shape, -1, dtype=np.int32)
    known = codes < self._table.shape[0]
    ids[known] = self._table[codes[known]]
    return ids

  def encode(self, text: str, on_unseen: str = "error") -> np.ndarray:
    """int32 [N] ids of the N characters of ``text``.

    Args:
      text: any string.
      on_unseen: ``'error'``: a ValueError listing the unseen characters;
        ``'unk'``: map them to ``<unk>``.
    """
    if on_unseen not in ON_UNSEEN:
      raise ValueError(f"on_unseen must be one of {ON_UNSEEN}, got {on_unseen!r}.")
    ids = self._lookup(_code_points(text))
    if np.any(ids < 0):
      if on_unseen == "error":
        raise ValueError(
            f"Text has characters not in the {self.vocab_size}-token char vocabulary: "
            f"{list(self.unseen(text))}. Use only characters seen in training.")
      ids[ids < 0] = self.vocabulary.unk_id
    return ids

  def decode(self, ids: Iterable[int]) -> str:
    """The text of ``ids`` (``<unk>`` -> U+FFFD)."""
    ids = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
      raise ValueError(f"Token ids must be in [0, {self.vocab_size}); "
                       f"got {ids.min()}..{ids.max()}.")
    return "".join(self._decode_table[ids].tolist())
