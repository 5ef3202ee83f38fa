"""Word tokenizer in the Penn Treebank style: whitespace words, newline -> ``<eos>``.

The vocabulary comes from the train text: ``<unk>``, ``<eos>``, then words by
descending count (ties alphabetical), optionally capped by ``max_size`` or
``min_count``. Words outside it (in valid/test or a prompt) become ``<unk>``, as PTB's
own preprocessing does; the literal token ``<unk>`` in PTB files is that same id.
Every newline is one ``<eos>``; ``decode`` writes ``<eos>`` back as a newline.
"""
import collections
from typing import Iterable, Iterator, List, Optional

import numpy as np

from rnnlab.data import vocabulary as vocabulary_lib

SPECIALS = (vocabulary_lib.UNK, vocabulary_lib.EOS)


def _lines_with_ends(text: str) -> Iterator[tuple]:
  """(words of a line, whether a newline ends it) for each line of ``text``."""
  lines = text.split("\n")
  for i, line in enumerate(lines):
    ends = i < len(lines) - 1
    if line or ends:
      yield line.split(), ends


class WordTokenizer:
  """Whitespace-separated words <-> int32 ids, with ``<eos>`` per newline."""

  def __init__(self, vocabulary: vocabulary_lib.Vocabulary):
    if vocabulary.kind != "word":
      raise ValueError(f"WordTokenizer needs a 'word' vocabulary, got {vocabulary.kind!r}.")
    if vocabulary.tokens[:2] != SPECIALS:
      raise ValueError(f"A word vocabulary starts with {SPECIALS}, got {vocabulary.tokens[:2]}.")
    self.vocabulary = vocabulary
    self.eos_id = vocabulary.token_to_id[vocabulary_lib.EOS]

  @classmethod
  def fit(cls, train_text: str, max_size: Optional[int] = None,
          min_count: int = 1) -> "WordTokenizer":
    """Vocabulary from ``train_text`` (special tokens count towards ``max_size``)."""
    if max_size is not None and max_size < len(SPECIALS) + 1:
      raise ValueError(f"max_size must be >= {len(SPECIALS) + 1} or None, got {max_size}.")
    if min_count < 1:
      raise ValueError(f"min_count must be >= 1, got {min_count}.")
    counts = collections.Counter(train_text.split())
    for special in SPECIALS:
      counts.pop(special, None)
    if not counts:
      raise ValueError("Cannot build a word vocabulary: the train text has no words.")
    words = sorted((w for w, c in counts.items() if c >= min_count),
                   key=lambda w: (-counts[w], w))
    if max_size is not None:
      words = words[:max_size - len(SPECIALS)]
    return cls(vocabulary_lib.Vocabulary(kind="word", tokens=SPECIALS + tuple(words)))

  @property
  def vocab_size(self) -> int:
    return self.vocabulary.size

  def unseen(self, text: str) -> tuple:
    """The distinct words of ``text`` outside the vocabulary (they become ``<unk>``)."""
    return tuple(sorted(set(w for w in text.split() if w not in self.vocabulary.token_to_id)))

  def encode(self, text: str, on_unseen: str = "unk") -> np.ndarray:
    """int32 [N] ids: each line's words, then ``<eos>`` if a newline ends it.

    Args:
      text: any string.
      on_unseen: ``'unk'`` (default, PTB): unseen words -> ``<unk>``; ``'error'``: a
        ValueError listing them.
    """
    if on_unseen not in ("error", "unk"):
      raise ValueError(f"on_unseen must be 'error' or 'unk', got {on_unseen!r}.")
    if on_unseen == "error":
      unseen = self.unseen(text)
      if unseen:
        raise ValueError(f"Text has words not in the {self.vocab_size}-word vocabulary: "
                         f"{list(unseen[:50])}.")
    lookup = self.vocabulary.token_to_id.get
    unk = self.vocabulary.unk_id
    ids: List[int] = []
    for words, ends in _lines_with_ends(text):
      ids.extend(lookup(w, unk) for w in words)
      if ends:
        ids.append(self.eos_id)
    return np.asarray(ids, dtype=np.int32)

  def decode(self, ids: Iterable[int]) -> str:
    """Words joined by spaces; ``<eos>`` -> newline."""
    tokens = self.vocabulary.tokens
    pieces: List[str] = []
    line: List[str] = []
    for i in ids:
      i = int(i)
      if not 0 <= i < len(tokens):
        raise ValueError(f"Token id {i} out of range [0, {len(tokens)}).")
      if i == self.eos_id:
        pieces.append(" ".join(line) + "\n")
        line = []
      else:
        line.append(tokens[i])
    pieces.append(" ".join(line))
    return "".join(pieces)
