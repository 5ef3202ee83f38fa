"""Text corpora read through ``tfds.data_source`` (random access, no TensorFlow).

Public TFDS datasets are never downloaded at run time: ``load_tfds_corpus`` first asks
the builder whether it is prepared (in ``array_record`` format) and, if not, fails at
once with the command that prepares it, instead of starting a download that cannot
succeed on a machine without internet. Under ``tfds.testing.mock_data`` that check is
skipped so tests read mocked examples.

``TFDS_TEXT_DATASETS`` maps rnnlab's split names to each dataset's TFDS splits. lm1b has
no validation split; rnnlab uses the two halves of its held-out ``test`` split.
"""
from typing import Dict, Mapping, Optional

import tensorflow_datasets as tfds

from rnnlab.data import pydoc_prose
from rnnlab.data import text_corpus

TFDS_TEXT_DATASETS: Dict[str, Mapping[str, str]] = {
    "tiny_shakespeare": {"train": "train", "valid": "validation", "test": "test"},
    "lm1b": {"train": "train", "valid": "test[:50%]", "test": "test[50%:]"},
    pydoc_prose.NAME: {"train": "train", "valid": "valid", "test": "test"},
}
_TEXT_KEY = "text"


def _is_mocked() -> bool:
  """True inside ``tfds.testing.mock_data`` (which patches ``download_and_prepare``)."""
  patched = tfds.core.DatasetBuilder.download_and_prepare
  return "mock_data.<locals>" in getattr(patched, "__qualname__", "")


def prepare_command(name: str, data_dir: Optional[str]) -> str:
  """The shell command that prepares ``name`` for ``tfds.data_source``."""
  dir_flag = f" --data_dir={data_dir}" if data_dir else ""
  return f"tfds build {name} --file_format=array_record{dir_flag}"


def check_prepared(builder: tfds.core.DatasetBuilder, build_name: Optional[str] = None) -> None:
  """Raises ValueError (with the prepare command) unless ``builder`` can be read.

  ``build_name`` is what the command builds (default ``builder.name``); give it with the
  config, e.g. ``"glue/sst2"``, for a builder whose configs are separate datasets.
  """
  name = builder.info.name
  build_name = build_name or builder.name
  if not builder.is_prepared():
    raise ValueError(
        f"TFDS dataset {name!r} is not prepared in {builder.data_dir!r}, and rnnlab never "
        "downloads at run time. On a machine with internet run "
        f"`{prepare_command(build_name, 'DIR')}` (or `python -c \"import "
        f"tensorflow_datasets as tfds; tfds.builder('{build_name}', data_dir='DIR')"
        ".download_and_prepare(file_format='array_record')\"`), copy DIR here and pass it "
        "as data.data_dir.")
  file_format = builder.info.file_format
  if file_format is not None and file_format != tfds.core.FileFormat.ARRAY_RECORD:
    raise ValueError(
        f"TFDS dataset {name!r} in {builder.data_dir!r} is stored as {file_format.value!r}; "
        "tfds.data_source needs 'array_record'. Rebuild it with "
        f"`{prepare_command(build_name, None)}` or convert it with "
        "`tfds convert_format --dataset_dir=... --out_file_format=array_record`.")


def _decode_text(example) -> str:
  value = example[_TEXT_KEY]
  text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
  return text[:-1] if text.endswith("\n") else text


def load_tfds_corpus(name: str, data_dir: Optional[str] = None,
                     max_documents: Optional[int] = None) -> text_corpus.TextCorpus:
  """Reads a TFDS text dataset as a ``TextCorpus`` (documents decoded lazily).

  Args:
    name: a key of ``TFDS_TEXT_DATASETS``. ``'rnnlab_pydoc_prose'`` is prepared here
      on first use (a few seconds, no download); public ones must already be prepared.
    data_dir: TFDS data folder (default: TFDS's, ``~/tensorflow_datasets``).
    max_documents: read at most this many documents per split (``None``: all).

  Returns:
    The corpus; a document is one example's ``text`` without its final newline.
  """
  if name not in TFDS_TEXT_DATASETS:
    raise ValueError(f"Unknown TFDS text dataset {name!r}; allowed: {sorted(TFDS_TEXT_DATASETS)}.")
  if max_documents is not None and max_documents < 1:
    raise ValueError(f"max_documents must be >= 1 or None, got {max_documents}.")
  if not _is_mocked():
    if name == pydoc_prose.NAME:
      pydoc_prose.prepare(data_dir)
    check_prepared(tfds.builder(name, data_dir=data_dir))
  split_map = TFDS_TEXT_DATASETS[name]
  splits = {}
  for split, tfds_split in split_map.items():
    source = tfds.data_source(name, split=tfds_split, data_dir=data_dir)
    splits[split] = text_corpus.LazyDocuments(source, _decode_text, limit=max_documents)
  return text_corpus.TextCorpus(name=name, splits=splits)
