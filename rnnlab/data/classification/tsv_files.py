"""Local classification files: ``data.path`` holds ``train.tsv``, ``validation.tsv``, ``test.tsv``.

Each line is ``label<TAB>text`` (UTF-8; the label is any string without a tab, the text the
rest of the line). Blank lines are skipped. The classes are the labels of ``train.tsv``,
sorted, so class ids do not depend on the order of the lines. Every error names the file and
line: a line without a tab, an empty label or text, a label of validation/test that train
does not have, or a missing, empty or non-UTF-8 file (or a directory).
"""
import os

from rnnlab.data import text_files

FILE_NAMES = {"train": "train.tsv", "validation": "validation.tsv", "test": "test.tsv"}


def read_tsv(path: str) -> list[tuple[int, str, str]]:
  """``[(line number, label, text), ...]`` of one file. Raises ValueError naming file:line."""
  if not os.path.exists(path):
    raise ValueError(f"{path} does not exist; a classification folder holds "
                     f"{', '.join(FILE_NAMES.values())} with lines 'label<TAB>text'")
  examples = []
  # A directory or a non-UTF-8 (Latin-1, binary) file: a ValueError naming it (and the line).
  for number, line in enumerate(text_files.read_utf8(path).split("\n"), 1):
    line = line.rstrip("\r")
    if not line.strip():
      continue
    if "\t" not in line:
      raise ValueError(f"{path}:{number}: no tab; each line is 'label<TAB>text', got "
                       f"{line[:60]!r}")
    label, text = line.split("\t", 1)
    if not label.strip():
      raise ValueError(f"{path}:{number}: empty label")
    if not text.strip():
      raise ValueError(f"{path}:{number}: empty text after the label {label!r}")
    examples.append((number, label.strip(), text.strip()))
  if not examples:
    raise ValueError(f"{path} has no examples")
  return examples


def class_names(path: str) -> tuple[str, ...]:
  """The sorted distinct labels of ``<path>/train.tsv``."""
  return tuple(sorted({label for _, label, _ in read_tsv(os.path.join(path, FILE_NAMES["train"]))}))


def load_tsv_split(path: str, split: str) -> tuple[list[str], list[int], tuple[str, ...]]:
  """``(texts, class ids, class names)`` of one split of the folder ``path``.

  Raises:
    ValueError: an unknown split, a bad file or line (named), or a label train lacks.
  """
  if split not in FILE_NAMES:
    raise ValueError(f"unknown split {split!r}; allowed: {tuple(FILE_NAMES)}")
  names = class_names(path)
  ids = {name: i for i, name in enumerate(names)}
  file_path = os.path.join(path, FILE_NAMES[split])
  texts, labels = [], []
  for number, label, text in read_tsv(file_path):
    if label not in ids:
      raise ValueError(f"{file_path}:{number}: label {label!r} is not in train.tsv; "
                       f"allowed: {list(names)}")
    texts.append(text)
    labels.append(ids[label])
  return texts, labels, names
