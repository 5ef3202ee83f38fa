"""Local text files in the Penn Treebank / WikiText layout.

A folder holds ``train.txt``, ``valid.txt`` and ``test.txt`` (UTF-8). Each line is a
document (a sentence in PTB), so the split's text (see ``text_corpus``) is the file's
text with a final newline. A missing or empty file is an error that names its path.
"""
import os
from typing import Dict, List

from rnnlab.data import text_corpus

FILE_NAMES = {"train": "train.txt", "valid": "valid.txt", "test": "test.txt"}


def decode_utf8(data: bytes, path: str) -> str:
  """``data`` decoded as UTF-8; a ValueError naming ``path``, the line and the bad bytes if not.

  Raises:
    ValueError: e.g. ``Corpus file 'x/train.txt' is not UTF-8 text: line 3, column 7 holds
      b'\\xe9' ...`` (a Latin-1 or binary file).
  """
  try:
    return data.decode("utf-8")
  except UnicodeDecodeError as error:
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    bad = data[error.start:error.start + 4]
    raise ValueError(
        f"Corpus file {path!r} is not UTF-8 text: line {line}, column {column} holds "
        f"{bad!r}; convert it first (e.g. `iconv -f latin1 -t utf-8 {path}`), or check that "
        "it is a text file") from None


def read_utf8(path: str) -> str:
  """The whole text of the UTF-8 file ``path`` (any user-supplied corpus file: text, TSV,
  bracketed trees).

  Raises:
    ValueError: naming the path if it is a directory, missing, or not UTF-8 (with the line,
      column and bytes, see :func:`decode_utf8`).
  """
  if os.path.isdir(path):
    raise ValueError(f"Corpus file {path!r} is a directory; expected a UTF-8 text file.")
  if not os.path.isfile(path):
    raise ValueError(f"Corpus file {path!r} does not exist (expected a UTF-8 text file).")
  with open(path, "rb") as f:
    return decode_utf8(f.read(), path)


def read_text_file(path: str) -> List[str]:
  """The lines of a UTF-8 text file (without newlines).

  Raises:
    ValueError: naming the path if it is missing, a directory, not UTF-8 (with the line),
      empty or blank.
  """
  text = read_utf8(path).replace("\r\n", "\n")
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
