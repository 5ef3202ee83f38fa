"""A user's parallel corpus in the Moses / fairseq layout: one sentence per line, line-aligned.

A folder holds, for source language ``src`` and target language ``tgt``::

  train.src  train.tgt      (split "train")
  valid.src  valid.tgt      (split "validation")
  test.src   test.tgt       (split "test")

Line ``i`` of ``train.src`` translates to line ``i`` of ``train.tgt``. Files are UTF-8
(``\\r\\n`` endings are accepted); a final newline is optional. A line blank on both sides is
skipped (Moses ``clean-corpus-n`` drops it too); every other defect is a ValueError that names
the file, and the line where there is one: a missing folder or split file, an empty file,
bytes that are not UTF-8, different line counts, a line blank on one side only.
"""
import os

SPLIT_FILES = {"train": "train", "validation": "valid", "test": "test"}


def split_paths(path: str, split: str, source_lang: str, target_lang: str) -> tuple[str, str]:
  """``(DIR/<prefix>.<src>, DIR/<prefix>.<tgt>)`` of a split (prefix train / valid / test)."""
  if split not in SPLIT_FILES:
    raise ValueError(f"unknown split {split!r}; allowed: {tuple(SPLIT_FILES)}")
  prefix = os.path.join(path, SPLIT_FILES[split])
  return f"{prefix}.{source_lang}", f"{prefix}.{target_lang}"


def read_lines(path: str) -> list[str]:
  """The lines of a UTF-8 file (no newlines); ValueError naming the file and the bad line."""
  if not os.path.isfile(path):
    raise ValueError(f"parallel corpus file {path} does not exist")
  with open(path, "rb") as f:
    data = f.read()
  if not data.strip():
    raise ValueError(f"parallel corpus file {path} is empty")
  if data.endswith(b"\n"):
    data = data[:-1]
  lines = []
  for number, raw in enumerate(data.split(b"\n"), start=1):
    try:
      line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
      raise ValueError(f"{path}, line {number}: not UTF-8 (byte {raw[e.start]:#04x} at column "
                       f"{e.start + 1})") from e
    lines.append(line[:-1] if line.endswith("\r") else line)
  return lines


def read_parallel_split(path: str, split: str, source_lang: str,
                        target_lang: str) -> list[tuple[str, str]]:
  """The aligned ``(source, target)`` pairs of one split of the folder ``path``."""
  if not source_lang or not target_lang:
    raise ValueError("dataset 'files' needs data.source_lang and data.target_lang (the file "
                     f"suffixes, e.g. 'en' and 'fr' for train.en / train.fr); got "
                     f"{source_lang!r} / {target_lang!r}")
  if source_lang == target_lang:
    raise ValueError(f"source_lang and target_lang are both {source_lang!r}")
  if not os.path.isdir(path):
    raise ValueError(f"parallel corpus folder {path!r} does not exist; it must hold "
                     + ", ".join(f"{p}.{source_lang} / {p}.{target_lang}"
                                 for p in SPLIT_FILES.values()))
  source_path, target_path = split_paths(path, split, source_lang, target_lang)
  sources, targets = read_lines(source_path), read_lines(target_path)
  if len(sources) != len(targets):
    longer, shorter = ((source_path, target_path) if len(sources) > len(targets)
                       else (target_path, source_path))
    raise ValueError(f"{source_path} has {len(sources)} lines but {target_path} has "
                     f"{len(targets)}: line {min(len(sources), len(targets)) + 1} of {longer} "
                     f"has no counterpart in {shorter}")
  pairs = []
  for number, (source, target) in enumerate(zip(sources, targets), start=1):
    source_blank, target_blank = not source.strip(), not target.strip()
    if source_blank and target_blank:
      continue
    if source_blank or target_blank:
      blank, other = (source_path, target_path) if source_blank else (target_path, source_path)
      raise ValueError(f"{blank}, line {number}: blank, but line {number} of {other} is not "
                       "(misaligned files?)")
    pairs.append((source.strip(), target.strip()))
  return pairs
