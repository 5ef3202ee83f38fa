"""``rnnlab_pydoc_prose``: an embedded English corpus built offline from CPython's docs.

Real English prose that every Python installation carries, so the default language
model trains on a fresh machine with no download. Documents:

* the rendered language-reference pages in ``pydoc_data.topics`` (what ``help("for")``
  prints), one document per topic (``topic/<name>``), and
* the docstrings of the pure-Python standard library (modules, classes, functions in
  source order), one document per module (``module/<dotted.name>``).

Each document goes through ``prose_cleaning.clean_to_prose`` (code, grammar and tables
dropped; one paragraph per line; ASCII). The split is by document and fixed: a
document's id is hashed with MD5 and bucket ``hash % 100`` goes to train (0-89), valid
(90-94) or test (95-99), so it does not depend on the order or the number of
documents. The reference pages repeat each other (``compound`` holds ``if``, ``for``,
...) and some docstrings are copied between modules, so a paragraph of 40 or more
characters is kept only where it first occurs, going through train, valid, test in that
order (by id within a split): no long paragraph is in two splits.

The text depends on the Python version that builds it (its docs change between
releases); the builder records ``sys.version`` in each example's ``source`` feature.
Preparing takes a few seconds and writes ``array_record`` files under ``data_dir``
(default ``~/tensorflow_datasets``); read it back with ``tfds.data_source``.
"""
import ast
import hashlib
import os
import sys
import sysconfig
from typing import Dict, Iterator, List, Optional, Tuple

import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data import prose_cleaning

NAME = "rnnlab_pydoc_prose"
SPLIT_NAMES = ("train", "valid", "test")
_SPLIT_BOUNDS = (90, 95)  # bucket < 90 -> train, < 95 -> valid, else test
_MIN_DOCUMENT_CHARS = 200
_MIN_DEDUP_CHARS = 40  # shorter lines ("Examples:", titles) may repeat
# Standard-library folders that are tests, vendored copies or third-party code.
SKIPPED_DIRS = frozenset({
    "test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__",
    "lib2to3", "ensurepip", "turtledemo", "config-3.11-x86_64-linux-gnu"})


def split_of(document_id: str) -> str:
  """Returns 'train', 'valid' or 'test' for a document id (fixed MD5 bucket)."""
  bucket = int(hashlib.md5(document_id.encode("utf-8")).hexdigest(), 16) % 100
  if bucket < _SPLIT_BOUNDS[0]:
    return "train"
  return "valid" if bucket < _SPLIT_BOUNDS[1] else "test"


def topic_documents() -> List[Tuple[str, str]]:
  """(id, prose) for each ``pydoc_data.topics`` page, sorted by id."""
  from pydoc_data import topics  # pylint: disable=import-outside-toplevel
  documents = []
  for name in sorted(topics.topics):
    prose = prose_cleaning.clean_to_prose(topics.topics[name])
    if len(prose) >= _MIN_DOCUMENT_CHARS:
      documents.append((f"topic/{name}", prose))
  return documents


def _module_name(root: str, path: str) -> str:
  relative = os.path.relpath(path, root)[:-len(".py")]
  parts = relative.split(os.sep)
  if parts[-1] == "__init__":
    parts = parts[:-1]
  return ".".join(parts)


def _module_docstrings(source: str) -> List[str]:
  """Docstrings of a module, its classes and functions, in source order."""
  tree = ast.parse(source)
  docs = []
  for node in ast.walk(tree):
    if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
      doc = ast.get_docstring(node, clean=True)
      if doc:
        docs.append(doc)
  return docs


def stdlib_documents(stdlib_dir: Optional[str] = None) -> List[Tuple[str, str]]:
  """(id, prose) for each pure-Python standard-library module, sorted by id.

  Args:
    stdlib_dir: the standard library folder; default ``sysconfig``'s ``stdlib`` path.
  """
  root = stdlib_dir or sysconfig.get_paths()["stdlib"]
  documents = []
  for folder, dirs, files in os.walk(root):
    dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("config-"))
    for file_name in sorted(files):
      if not file_name.endswith(".py"):
        continue
      document = module_document(root, os.path.join(folder, file_name))
      if document is not None:
        documents.append(document)
  return sorted(documents)


def module_document(root: str, path: str) -> Optional[Tuple[str, str]]:
  """(``module/<dotted.name>``, prose of its docstrings) of the source file ``path`` under
  ``root``; None for a file that does not parse or has under ``_MIN_DOCUMENT_CHARS`` of prose."""
  try:
    with open(path, encoding="utf-8") as f:
      docs = _module_docstrings(f.read())
  except (SyntaxError, UnicodeDecodeError):
    return None  # a few stdlib files are deliberately invalid or not UTF-8
  paragraphs = [p for p in (prose_cleaning.clean_to_prose(d) for d in docs) if p]
  prose = "\n".join(paragraphs)
  if len(prose) < _MIN_DOCUMENT_CHARS:
    return None
  return f"module/{_module_name(root, path)}", prose


def split_documents(documents: List[Tuple[str, str]]) -> Dict[str, List[Tuple[str, str]]]:
  """Assigns (id, text) documents to splits and drops repeated long paragraphs.

  Returns:
    split name -> (id, text) sorted by id; a document left under
    ``_MIN_DOCUMENT_CHARS`` after de-duplication is dropped.
  """
  by_split: Dict[str, List[Tuple[str, str]]] = {s: [] for s in SPLIT_NAMES}
  for document_id, text in sorted(documents):
    by_split[split_of(document_id)].append((document_id, text))
  seen = set()
  for split in SPLIT_NAMES:
    kept_documents = []
    for document_id, text in by_split[split]:
      kept = []
      for line in text.split("\n"):
        if len(line) >= _MIN_DEDUP_CHARS:
          if line in seen:
            continue
          seen.add(line)
        kept.append(line)
      text = "\n".join(kept)
      if len(text) >= _MIN_DOCUMENT_CHARS:
        kept_documents.append((document_id, text))
    by_split[split] = kept_documents
  return by_split


class RnnlabPydocProse(tfds.core.GeneratorBasedBuilder):
  """English prose from CPython's own documentation, generated offline."""

  VERSION = tfds.core.Version("1.0.0")
  RELEASE_NOTES = {"1.0.0": "First version."}

  def _info(self) -> tfds.core.DatasetInfo:
    return self.dataset_info_from_configs(
        description=__doc__,
        features=tfds.features.FeaturesDict({
            "id": tfds.features.Text(),
            "text": tfds.features.Text(),
            "source": tfds.features.Text(),
        }),
        supervised_keys=None,
        homepage="https://docs.python.org/3/",
    )

  def _split_generators(self, dl_manager: tfds.download.DownloadManager):
    del dl_manager  # nothing to download: the text ships with Python
    by_split = split_documents(topic_documents() + stdlib_documents())
    return {split: self._generate_examples(docs) for split, docs in by_split.items()}

  def _generate_examples(self, documents: List[Tuple[str, str]]) -> Iterator:
    source = f"CPython {sys.version.split()[0]}"
    for document_id, text in documents:
      yield document_id, {"id": document_id, "text": text, "source": source}


def prepare(data_dir: Optional[str] = None) -> tfds.core.DatasetBuilder:
  """Builds ``rnnlab_pydoc_prose`` under ``data_dir`` if not yet there (a few seconds).

  Args:
    data_dir: TFDS data folder; default TFDS's own (``~/tensorflow_datasets`` or
      ``$TFDS_DATA_DIR``).

  Returns:
    The prepared builder.
  """
  builder = RnnlabPydocProse(data_dir=data_dir, file_format=tfds.core.FileFormat.ARRAY_RECORD)
  return offline_build.prepare_offline(builder)
