"""One split of a text-classification dataset in memory: texts, class ids, class names.

Datasets (``data.dataset``):

* ``"rnnlab_doc_subjects"`` (``"/tiny"`` for tests): the embedded default, generated on
  first use (:mod:`rnnlab.data.classification.doc_subjects`).
* ``"files"``: ``train.tsv`` / ``validation.tsv`` / ``test.tsv`` under ``data.path``
  (:mod:`rnnlab.data.classification.tsv_files`).
* public TFDS sets, read with ``tfds.data_source`` (no TensorFlow): ``imdb_reviews``
  (25k/25k movie reviews, neg/pos; ``<br />`` tags become spaces), ``glue/sst2`` (SST-2
  sentences, negative/positive), ``ag_news_subset`` (120k/7.6k news, 4 topics; the text is
  the title and the description). They must already be prepared in ``data_dir``
  (``array_record``): rnnlab never downloads, so an unprepared one fails at once with the
  command that prepares it. Their validation split is the last 5% of train (imdb: 10%); the
  test split of ``glue/sst2`` is GLUE's labelled validation set (GLUE's test labels are
  hidden), which is where SST-2 accuracies are usually reported.
"""
import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import tfds_text
from rnnlab.data.classification import doc_subjects
from rnnlab.data.classification import tsv_files

SPLITS = ("train", "validation", "test")
EMBEDDED = (doc_subjects.NAME, doc_subjects.NAME + "/tiny")
# name -> (rnnlab split -> TFDS split, text feature(s))
PUBLIC = {
    "imdb_reviews": ({"train": "train[:90%]", "validation": "train[90%:]", "test": "test"},
                     ("text",)),
    "glue/sst2": ({"train": "train[:95%]", "validation": "train[95%:]", "test": "validation"},
                  ("sentence",)),
    "ag_news_subset": ({"train": "train[:95%]", "validation": "train[95%:]", "test": "test"},
                       ("title", "description")),
}
DATASETS = (*EMBEDDED, "files", *PUBLIC)


@dataclasses.dataclass
class LabelledTexts:
  """``texts[i]`` has class id ``labels[i]`` (int32 ``[N]``) of ``class_names``."""
  texts: list[str]
  labels: np.ndarray
  class_names: tuple[str, ...]

  def __len__(self) -> int:
    return len(self.texts)


def _decode(value) -> str:
  return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _register_glue() -> None:
  # GLUE is a legacy TFDS builder: it is registered when its module is imported.
  import tensorflow_datasets.text.glue  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import


def _load_public(name: str, split: str, data_dir: str | None, max_examples: int
                 ) -> LabelledTexts:
  if name == "glue/sst2":
    _register_glue()
  builder = tfds.builder(name, data_dir=data_dir)
  if not tfds_text._is_mocked():  # pylint: disable=protected-access
    tfds_text.check_prepared(builder, name)
  split_map, keys = PUBLIC[name]
  source = tfds.data_source(name, split=split_map[split], data_dir=data_dir)
  n = len(source) if max_examples <= 0 else min(len(source), max_examples)
  records = [source[i] for i in range(n)]
  texts = [" ".join(_decode(r[k]) for k in keys).replace("<br />", " ") for r in records]
  return LabelledTexts(texts=texts, labels=np.array([int(r["label"]) for r in records], np.int32),
                       class_names=tuple(builder.info.features["label"].names))


def load_split(dataset: str, split: str, *, data_dir: str | None = None, path: str = "",
               max_examples: int = 0) -> LabelledTexts:
  """One split of ``dataset`` (see the module docstring), at most ``max_examples`` (0 = all).

  Raises:
    ValueError: an unknown dataset or split, an unprepared public set (with the command
      that prepares it), a bad file (named with its line), or an empty split.
  """
  if dataset not in DATASETS:
    raise ValueError(f"unknown classification dataset {dataset!r}; allowed: {DATASETS}")
  if split not in SPLITS:
    raise ValueError(f"unknown split {split!r}; allowed: {SPLITS}")
  if max_examples < 0:
    raise ValueError(f"max_examples={max_examples}; allowed: 0 (all) or a positive count")
  if dataset in EMBEDDED:
    config = dataset.split("/")[1] if "/" in dataset else "default"
    source = doc_subjects.load(split, config=config, data_dir=data_dir)
    n = len(source) if max_examples <= 0 else min(len(source), max_examples)
    records = [source[i] for i in range(n)]
    result = LabelledTexts(texts=[_decode(r["text"]) for r in records],
                           labels=np.array([int(r["label"]) for r in records], np.int32),
                           class_names=doc_subjects.SUBJECTS)
  elif dataset == "files":
    if not path:
      raise ValueError("data.dataset='files' needs data.path (a folder with train.tsv, "
                       "validation.tsv, test.tsv)")
    texts, labels, names = tsv_files.load_tsv_split(path, split)
    if max_examples > 0:
      texts, labels = texts[:max_examples], labels[:max_examples]
    result = LabelledTexts(texts=texts, labels=np.array(labels, np.int32), class_names=names)
  else:
    result = _load_public(dataset, split, data_dir, max_examples)
  if not len(result):
    raise ValueError(f"{dataset}/{split} has no examples")
  return result
