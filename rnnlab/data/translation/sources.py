"""Sentence pairs for translation from TFDS, read with ``tfds.data_source`` (no TensorFlow).

Datasets (``config.data.dataset``):

* ``"rnnlab_en_fr_catalogs"`` (or ``"rnnlab_en_fr_catalogs/system"``): real English -> French
  pairs from gettext message catalogs (:mod:`rnnlab.data.translation.catalogs_corpus`), built
  on first use into ``data_dir``; languages ``en`` -> ``fr``.
* ``"rnnlab_en_fr_numbers"`` (or ``"rnnlab_en_fr_numbers/tiny"``): rnnlab's generated corpus of
  quantities and dates, generated on first use into ``data_dir``; languages ``en`` -> ``fr``.
* ``"files"``: a folder ``path`` in the Moses / fairseq layout (``train.<src>``, ``valid.<src>``,
  ``test.<src>`` and the same for ``<tgt>``; :mod:`rnnlab.data.translation.parallel_files`);
  ``source_lang`` and ``target_lang`` name the file suffixes.
* ``"ted_hrlr_translate/<config>"`` (e.g. ``pt_to_en``) and ``"wmt14_translate/<config>"``
  (e.g. ``de-en``): public TFDS datasets. They must already be prepared in ``data_dir`` in
  ``array_record`` format; machines without internet cannot prepare them, so an unprepared one
  fails at once with the command that prepares it (instead of starting a download).

A public dataset's language pair comes from its TFDS ``supervised_keys`` unless
``source_lang``/``target_lang`` are given.
"""
import dataclasses

import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data.translation import catalogs_corpus, numbers_corpus, parallel_files

EMBEDDED_DATASETS = (catalogs_corpus.NAME, numbers_corpus.NAME)
FILES_DATASET = "files"
PUBLIC_DATASETS = ("ted_hrlr_translate", "wmt14_translate")
SPLITS = ("train", "validation", "test")


@dataclasses.dataclass(frozen=True)
class PairSource:
  """Random-access sentence pairs of one split: ``len(src)``, ``src[i]`` -> (source, target)."""
  data_source: object
  source_lang: str
  target_lang: str

  def __len__(self) -> int:
    return len(self.data_source)

  def __getitem__(self, index: int) -> tuple[str, str]:
    record = self.data_source[index]
    return _text(record[self.source_lang]), _text(record[self.target_lang])

  def pairs(self, limit: int | None = None) -> list[tuple[str, str]]:
    n = len(self) if limit is None else min(limit, len(self))
    return [self[i] for i in range(n)]


def _text(value) -> str:
  return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _builder(dataset: str, data_dir: str | None):
  family = dataset.split("/")[0]
  if family in EMBEDDED_DATASETS:
    return tfds.builder(dataset, data_dir=data_dir, file_format="array_record")
  if family not in PUBLIC_DATASETS:
    raise ValueError(f"unknown translation dataset {dataset!r}; allowed: "
                     f"{catalogs_corpus.NAME}[/system], {numbers_corpus.NAME}[/tiny], "
                     f"{FILES_DATASET} (with a path), "
                     + ", ".join(f"{p}/<config>" for p in PUBLIC_DATASETS))
  if family == "wmt14_translate":
    # wmt14 is not in TFDS's lazy registry: importing its module registers it.
    import tensorflow_datasets.translate.wmt14  # noqa: F401  pylint: disable=unused-import
  if "/" not in dataset:
    raise ValueError(f"{dataset!r} needs a config, e.g. 'ted_hrlr_translate/pt_to_en' or "
                     "'wmt14_translate/de-en'")
  return tfds.builder(dataset, data_dir=data_dir)


def load_split(dataset: str, split: str, data_dir: str | None = None,
               source_lang: str | None = None, target_lang: str | None = None,
               path: str | None = None) -> PairSource:
  """One split of ``dataset`` as a :class:`PairSource`; ``path`` is the folder of "files"."""
  if split not in SPLITS:
    raise ValueError(f"unknown split {split!r}; allowed: {SPLITS}")
  if dataset == FILES_DATASET:
    if not path:
      raise ValueError("dataset 'files' needs data.path, the folder holding train.<src>, "
                       "train.<tgt>, valid.*, test.*")
    pairs = parallel_files.read_parallel_split(path, split, source_lang, target_lang)
    records = [{source_lang: s, target_lang: t} for s, t in pairs]
    return PairSource(records, source_lang, target_lang)
  builder = _builder(dataset, data_dir)
  if dataset.split("/")[0] in EMBEDDED_DATASETS:
    offline_build.prepare_offline(builder)  # generated on the machine, no download
  elif not builder.is_prepared():
    raise ValueError(
        f"TFDS dataset {dataset!r} is not prepared (looked in {builder.data_dir!r}). rnnlab never "
        "downloads at run time; prepare it on a machine with internet access with\n"
        f"  tfds build {dataset} --file_format=array_record --data_dir=<DIR>\n"
        "and pass --config.data.data_dir=<DIR> (or use the embedded corpus "
        f"{catalogs_corpus.NAME!r}).")
  keys = builder.info.supervised_keys or ()
  src = source_lang or (keys[0] if keys else None)
  tgt = target_lang or (keys[1] if keys else None)
  if src is None or tgt is None:
    raise ValueError(f"{dataset!r} has no supervised keys; set source_lang and target_lang")
  languages = set(builder.info.features.keys())
  for lang in (src, tgt):
    if lang not in languages:
      raise ValueError(f"language {lang!r} not in {dataset!r}; allowed: {sorted(languages)}")
  return PairSource(builder.as_data_source(split=split), src, tgt)
