"""A token vocabulary: ids <-> tokens, saved as JSON in the run dir and checked on reuse.

The vocabulary is built from the train split once, written to ``<run_dir>/vocab.json``
and read back at evaluation and sampling, so ids always mean the same tokens. A file
that already holds a *different* vocabulary is never overwritten. ``fingerprint`` is a
short hash of the kind and token list; ``check_vocabulary_matches`` compares it (and the
size) with what a checkpoint was trained with.
"""
import dataclasses
import hashlib
import json
import os
from typing import Dict, Optional, Tuple

KINDS = ("char", "word")
UNK = "<unk>"
EOS = "<eos>"
FILE_NAME = "vocab.json"


@dataclasses.dataclass(frozen=True)
class Vocabulary:
  """An ordered, duplicate-free token list; a token's id is its index.

  Attributes:
    kind: ``'char'`` or ``'word'``.
    tokens: the tokens, special ones first (``<unk>``; words also ``<eos>``).
  """
  kind: str
  tokens: Tuple[str, ...]
  token_to_id: Dict[str, int] = dataclasses.field(init=False, repr=False, compare=False)

  def __post_init__(self):
    if self.kind not in KINDS:
      raise ValueError(f"Unknown vocabulary kind {self.kind!r}; allowed: {KINDS}.")
    object.__setattr__(self, "tokens", tuple(self.tokens))
    mapping = {token: i for i, token in enumerate(self.tokens)}
    if len(mapping) != len(self.tokens):
      seen, dups = set(), []
      for token in self.tokens:
        if token in seen:
          dups.append(token)
        seen.add(token)
      raise ValueError(f"Vocabulary tokens must be unique; duplicated: {dups[:10]}.")
    if UNK not in mapping:
      raise ValueError(f"Vocabulary must contain {UNK!r}.")
    object.__setattr__(self, "token_to_id", mapping)

  @property
  def size(self) -> int:
    """Number of tokens V (rows of the embedding, columns of the softmax)."""
    return len(self.tokens)

  @property
  def unk_id(self) -> int:
    return self.token_to_id[UNK]

  @property
  def fingerprint(self) -> str:
    """16 hex digits of SHA-256 over kind and tokens."""
    payload = json.dumps([self.kind, list(self.tokens)], ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:16]

  def to_json(self) -> str:
    return json.dumps({"kind": self.kind, "fingerprint": self.fingerprint,
                       "tokens": list(self.tokens)}, ensure_ascii=True, indent=0)

  @classmethod
  def from_json(cls, text: str) -> "Vocabulary":
    data = json.loads(text)
    vocabulary = cls(kind=data["kind"], tokens=tuple(data["tokens"]))
    if "fingerprint" in data and data["fingerprint"] != vocabulary.fingerprint:
      raise ValueError(
          f"Vocabulary JSON fingerprint {data['fingerprint']} does not match its tokens "
          f"({vocabulary.fingerprint}); the file was edited or corrupted.")
    return vocabulary


def vocabulary_path(run_dir: str) -> str:
  return os.path.join(run_dir, FILE_NAME)


def save_vocabulary(vocabulary: Vocabulary, run_dir: str) -> str:
  """Writes ``<run_dir>/vocab.json``; returns its path.

  Saving the same vocabulary again is a no-op; a different one already there raises
  ValueError and the file is left untouched.
  """
  path = vocabulary_path(run_dir)
  if os.path.exists(path):
    existing = load_vocabulary(run_dir)
    check_vocabulary_matches(vocabulary, fingerprint=existing.fingerprint,
                             vocab_size=existing.size, source=path)
    return path
  os.makedirs(run_dir, exist_ok=True)
  tmp_path = path + ".tmp"
  with open(tmp_path, "w", encoding="ascii") as f:
    f.write(vocabulary.to_json())
  os.replace(tmp_path, path)
  return path


def load_vocabulary(run_dir: str) -> Vocabulary:
  """Reads ``<run_dir>/vocab.json``; ValueError naming the path if it is missing."""
  path = vocabulary_path(run_dir)
  if not os.path.isfile(path):
    raise ValueError(f"No vocabulary at {path!r}: the run dir was not made by an LM run.")
  with open(path, encoding="ascii") as f:
    return Vocabulary.from_json(f.read())


def check_vocabulary_matches(vocabulary: Vocabulary, *, vocab_size: Optional[int] = None,
                             fingerprint: Optional[str] = None,
                             source: str = "the checkpoint") -> None:
  """Raises ValueError if ``vocabulary`` is not the one ``source`` was made with.

  Args:
    vocabulary: the vocabulary about to be used.
    vocab_size: V that ``source`` expects (e.g. rows of a checkpoint's embedding).
    fingerprint: ``Vocabulary.fingerprint`` recorded with ``source``.
    source: what is being compared against, for the message.
  """
  if vocab_size is not None and vocab_size != vocabulary.size:
    raise ValueError(
        f"Vocabulary/checkpoint mismatch: {source} has vocabulary size {vocab_size}, the "
        f"{vocabulary.kind} vocabulary in use has {vocabulary.size} tokens.")
  if fingerprint is not None and fingerprint != vocabulary.fingerprint:
    raise ValueError(
        f"Vocabulary/checkpoint mismatch: {source} was made with vocabulary {fingerprint}, "
        f"the {vocabulary.kind} vocabulary in use is {vocabulary.fingerprint}.")
