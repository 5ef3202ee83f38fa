"""Reversible tokenizers for translation: word level (own vocabulary) and subword (SentencePiece).

Both share the id convention ``PAD=0, BOS=1, EOS=2, UNK=3`` and the contract

  ids = tok.encode(text)           # list[int], no BOS/EOS
  text == tok.decode(ids)          # exact for text with single spaces (detokenisation)
  tok.unknown_pieces(text)         # the pieces that would map to UNK (for clear errors)

Word level follows the SentencePiece convention for spaces: a piece that starts after
whitespace carries the prefix "▁" (U+2581), pieces glued to the previous one do not, so
"forty-two cats." -> ["▁forty", "-", "two", "▁cats", "."] and decoding is concatenation.
Words and punctuation are separate pieces (``\\w+`` runs and single other characters).
"""
import collections
import json
import os
import re
from typing import Iterable, Sequence

# The tokenizer files of a translation run directory (``rnnlab.training.run_directory``).
SOURCE_TOKENIZER_FILE = "source_tokenizer.json"
TARGET_TOKENIZER_FILE = "target_tokenizer.json"
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")
SPACE = "\u2581"
_PIECE_RE = re.compile(r"\s+|\w+|[^\w\s]")


def split_pieces(text: str) -> list[str]:
  """Text -> word-level pieces with "▁" marking a preceding space (leading space implied)."""
  pieces, after_space = [], True
  for match in _PIECE_RE.finditer(text):
    piece = match.group(0)
    if piece.isspace():
      after_space = True
      continue
    pieces.append(SPACE + piece if after_space else piece)
    after_space = False
  return pieces


def join_pieces(pieces: Iterable[str]) -> str:
  """Inverse of :func:`split_pieces` (single spaces, no leading space)."""
  return "".join(pieces).replace(SPACE, " ").strip()


class WordTokenizer:
  """Word-level vocabulary built from training text; reversible via :func:`join_pieces`."""

  kind = "word"

  def __init__(self, pieces: Sequence[str]):
    if tuple(pieces[:4]) != SPECIAL_TOKENS:
      raise ValueError(f"vocabulary must start with {SPECIAL_TOKENS}, got {tuple(pieces[:4])}")
    self.pieces = list(pieces)
    self._ids = {p: i for i, p in enumerate(self.pieces)}
    if len(self._ids) != len(self.pieces):
      raise ValueError("vocabulary has duplicate pieces")

  @classmethod
  def build(cls, texts: Iterable[str], max_size: int | None = None,
            min_count: int = 1) -> "WordTokenizer":
    """Vocabulary of the most frequent pieces (ties broken alphabetically)."""
    if min_count < 1:
      raise ValueError(f"min_count must be >= 1, got {min_count}")
    counts = collections.Counter(p for t in texts for p in split_pieces(t))
    ranked = sorted((p for p, c in counts.items() if c >= min_count),
                    key=lambda p: (-counts[p], p))
    if max_size is not None:
      if max_size <= len(SPECIAL_TOKENS):
        raise ValueError(f"max_size must exceed {len(SPECIAL_TOKENS)}, got {max_size}")
      ranked = ranked[:max_size - len(SPECIAL_TOKENS)]
    return cls(list(SPECIAL_TOKENS) + ranked)

  @property
  def vocab_size(self) -> int:
    return len(self.pieces)

  def encode(self, text: str) -> list[int]:
    return [self._ids.get(p, UNK_ID) for p in split_pieces(text)]

  def decode(self, ids: Iterable[int]) -> str:
    """Ids -> text; stops at the first EOS, skips PAD/BOS; UNK is written "<unk>"."""
    out = []
    for i in ids:
      i = int(i)
      if i == EOS_ID:
        break
      if i in (PAD_ID, BOS_ID):
        continue
      if not 0 <= i < len(self.pieces):
        raise ValueError(f"token id {i} outside the vocabulary [0, {len(self.pieces)})")
      out.append(self.pieces[i] if i != UNK_ID else SPACE + "<unk>")
    return join_pieces(out)

  def display_pieces(self, text: str) -> list[str]:
    """Pieces for axis labels (without the "▁" marker)."""
    return [p.lstrip(SPACE) for p in split_pieces(text)]

  def id_to_piece(self, i: int) -> str:
    """The piece of id ``i`` for display (no "▁"); specials as "<s>", "</s>", ..."""
    return self.pieces[int(i)].lstrip(SPACE)

  def unknown_pieces(self, text: str) -> list[str]:
    return [p.lstrip(SPACE) for p in split_pieces(text) if p not in self._ids]

  def save(self, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
      json.dump({"kind": self.kind, "pieces": self.pieces}, f, ensure_ascii=False)


class SubwordTokenizer:
  """SentencePiece (unigram) model trained on the training text; ids as in this module."""

  kind = "subword"

  def __init__(self, model_proto: bytes):
    import sentencepiece  # pylint: disable=import-outside-toplevel
    self.model_proto = model_proto
    self._sp = sentencepiece.SentencePieceProcessor(model_proto=model_proto)
    if (self._sp.pad_id(), self._sp.bos_id(), self._sp.eos_id(), self._sp.unk_id()) != (
        PAD_ID, BOS_ID, EOS_ID, UNK_ID):
      raise ValueError("SentencePiece model does not use the rnnlab special ids 0-3")

  @classmethod
  def build(cls, texts: Iterable[str], vocab_size: int,
            max_sentences: int = 200_000) -> "SubwordTokenizer":
    import io  # pylint: disable=import-outside-toplevel
    import sentencepiece  # pylint: disable=import-outside-toplevel
    texts = [t for t in texts if t.strip()]
    if not texts:
      raise ValueError("cannot train a subword tokenizer on no text")
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(texts[:max_sentences]), model_writer=model,
        vocab_size=vocab_size, model_type="unigram", character_coverage=1.0,
        pad_id=PAD_ID, bos_id=BOS_ID, eos_id=EOS_ID, unk_id=UNK_ID,
        hard_vocab_limit=False, minloglevel=2)
    return cls(model.getvalue())

  @property
  def vocab_size(self) -> int:
    return self._sp.get_piece_size()

  def encode(self, text: str) -> list[int]:
    return list(self._sp.encode(text))

  def decode(self, ids: Iterable[int]) -> str:
    kept = []
    for i in ids:
      i = int(i)
      if i == EOS_ID:
        break
      if i not in (PAD_ID, BOS_ID):
        kept.append(i)
    return self._sp.decode(kept)

  def display_pieces(self, text: str) -> list[str]:
    return list(self._sp.encode(text, out_type=str))

  def id_to_piece(self, i: int) -> str:
    return self._sp.id_to_piece(int(i))

  def unknown_pieces(self, text: str) -> list[str]:
    pieces = self._sp.encode(text, out_type=str)
    ids = self._sp.encode(text)
    return [p for p, i in zip(pieces, ids) if i == UNK_ID]

  def save(self, path: str) -> None:
    with open(path + ".model", "wb") as f:
      f.write(self.model_proto)
    with open(path, "w", encoding="utf-8") as f:
      json.dump({"kind": self.kind, "model_file": os.path.basename(path) + ".model"}, f)


Tokenizer = WordTokenizer | SubwordTokenizer


def build_tokenizer(kind: str, texts: Iterable[str], vocab_size: int | None) -> Tokenizer:
  """``kind`` is "word" (``vocab_size`` caps it; None keeps every piece) or "subword"."""
  if kind == "word":
    return WordTokenizer.build(texts, max_size=vocab_size)
  if kind == "subword":
    if not vocab_size:
      raise ValueError("a subword tokenizer needs a vocab_size")
    return SubwordTokenizer.build(texts, vocab_size)
  raise ValueError(f"unknown tokenizer kind {kind!r}; allowed: 'word', 'subword'")


def load_tokenizer(path: str) -> Tokenizer:
  """Reads a tokenizer written by ``save``."""
  if not os.path.exists(path):
    raise ValueError(f"no tokenizer file at {path}")
  with open(path, encoding="utf-8") as f:
    spec = json.load(f)
  if spec.get("kind") == "word":
    return WordTokenizer(spec["pieces"])
  if spec.get("kind") == "subword":
    with open(os.path.join(os.path.dirname(path), spec["model_file"]), "rb") as f:
      return SubwordTokenizer(f.read())
  raise ValueError(f"{path}: unknown tokenizer kind {spec.get('kind')!r}")
