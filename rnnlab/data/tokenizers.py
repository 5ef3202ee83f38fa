"""Pick, build, save and reload a tokenizer by kind (``'char'`` or ``'word'``).

A run builds its tokenizer from the train text once (``build_tokenizer``), saves the
vocabulary in its run dir (``save_tokenizer``) and every later evaluation or sampling
call reloads it from there (``load_tokenizer``), so ids never change meaning.
"""
from typing import Optional, Union

from rnnlab.data import char_tokenizer
from rnnlab.data import vocabulary as vocabulary_lib
from rnnlab.data import word_tokenizer

Tokenizer = Union[char_tokenizer.CharTokenizer, word_tokenizer.WordTokenizer]


def build_tokenizer(kind: str, train_text: str, max_size: Optional[int] = None,
                    min_count: int = 1) -> Tokenizer:
  """A tokenizer whose vocabulary comes from ``train_text``.

  Args:
    kind: ``'char'`` or ``'word'``.
    train_text: the train split's text.
    max_size, min_count: word vocabulary caps (words only).
  """
  if kind == "char":
    if max_size is not None or min_count != 1:
      raise ValueError("max_size/min_count apply to word vocabularies only, not 'char'.")
    return char_tokenizer.CharTokenizer.fit(train_text)
  if kind == "word":
    return word_tokenizer.WordTokenizer.fit(train_text, max_size=max_size, min_count=min_count)
  raise ValueError(f"Unknown tokenizer kind {kind!r}; allowed: {vocabulary_lib.KINDS}.")


def tokenizer_for(vocabulary: vocabulary_lib.Vocabulary) -> Tokenizer:
  """The tokenizer of a (loaded) vocabulary."""
  if vocabulary.kind == "char":
    return char_tokenizer.CharTokenizer(vocabulary)
  return word_tokenizer.WordTokenizer(vocabulary)


def save_tokenizer(tokenizer: Tokenizer, run_dir: str) -> str:
  """Saves the vocabulary as ``<run_dir>/vocab.json`` (never overwrites another)."""
  return vocabulary_lib.save_vocabulary(tokenizer.vocabulary, run_dir)


def load_tokenizer(run_dir: str) -> Tokenizer:
  """The tokenizer saved in ``run_dir``."""
  return tokenizer_for(vocabulary_lib.load_vocabulary(run_dir))
