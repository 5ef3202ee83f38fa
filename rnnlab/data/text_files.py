"""Local text files in the Penn Treebank / WikiText layout.

A folder holds ``train.txt``, ``valid.txt`` and ``test.txt`` (UTF-8). Each line is a
document (a sentence in PTB), so the split's text (see ``text_corpus``) is the file's
text with a final newline. A missing or empty file is an error that names its path.
"""
import os
from typing import Dict, List

from rnnlab.data import text_corpus

FILE_NAMES = {"train": "train.txt", "valid": "valid.txt", "test": "test.txt"}


def read_text_file(path: str) -> List[str]:
  """The lines of a UTF-8 text file (without newlines); errors if missing or empty."""
  if not os.path.isfile(path):
    raise ValueError(f"Corpus file {path!r} does not exist (expected a UTF-8 text file).")
  with open(path, encoding="utf-8") as f:
    text = f.read()
  if not text.strip():
    raise ValueError(f"Corpus file {path!r} is empty; it must hold at least one non-blank line.")
  if text.endswith("\n"):
    text = text[:-1]
  return text.split("\n")


def load_text_files(path: str) -> text_corpus.TextCorpus:
  """Reads ``path/{train,valid,test}.txt`` as a ``TextCorpus`` (one document per line).

  Args:
    path: the folder holding the three files.
  """
  if not os.path.isdir(path):
    raise ValueError(
        f"Corpus folder {path!r} does not exist; it must hold {sorted(FILE_NAMES.values())}.")
  splits: Dict[str, List[str]] = {
      split: read_text_file(os.path.join(path, file_name))
      for split, file_name in FILE_NAMES.items()}
  return text_corpus.TextCorpus(name=f"files:{os.path.abspath(path)}", splits=splits)
