"""One entry point for language-modeling corpora, as named in a config's ``data`` section.

``data.dataset``: ``'rnnlab_pydoc_prose'`` (the embedded default), ``'tiny_shakespeare'``,
``'lm1b'`` (TFDS, must be prepared) or ``'files'`` (``data.path`` holds ``train.txt``,
``valid.txt``, ``test.txt``).
"""
from typing import Optional

from rnnlab.data import text_corpus
from rnnlab.data import text_files
from rnnlab.data import tfds_text

FILES = "files"
DEFAULT_DATASET = "rnnlab_pydoc_prose"


def dataset_names():
  """All accepted ``data.dataset`` values."""
  return sorted(tfds_text.TFDS_TEXT_DATASETS) + [FILES]


def load_corpus(dataset: str = DEFAULT_DATASET, path: Optional[str] = None,
                data_dir: Optional[str] = None,
                max_documents: Optional[int] = None) -> text_corpus.TextCorpus:
  """Loads a corpus by name.

  Args:
    dataset: one of ``dataset_names()``.
    path: the folder of the three text files (``dataset='files'`` only).
    data_dir: TFDS data folder (TFDS datasets only; default TFDS's).
    max_documents: cap per split (TFDS datasets only).
  """
  if dataset == FILES:
    if not path:
      raise ValueError("dataset='files' needs data.path: a folder with train.txt, valid.txt, "
                       "test.txt.")
    return text_files.load_text_files(path)
  if dataset not in tfds_text.TFDS_TEXT_DATASETS:
    raise ValueError(f"Unknown dataset {dataset!r}; allowed: {dataset_names()}.")
  if path:
    raise ValueError(f"data.path is only for dataset='files', got path={path!r} with {dataset!r}.")
  return tfds_text.load_tfds_corpus(dataset, data_dir=data_dir, max_documents=max_documents)
