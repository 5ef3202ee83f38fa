"""The gettext-catalog corpus rnnlab_en_fr_catalogs (rnnlab.data.translation.catalogs_corpus)."""
import importlib.metadata
import os
import re

import pytest

from rnnlab.data.translation import catalogs_corpus, message_catalogs, sources
from tests.data.translation.catalog_fixtures import write_mo


def _fixture_catalogs(tmp_path):
  a = write_mo(str(tmp_path / "a/fr/LC_MESSAGES/a.mo"), [
      ("_Open", "_Ouvrir"), ("Close", "Fermer"), ("label_title", "Titre"), ("%s: %s", "%s : %s"),
      ("Copy %s", "Copier"), ("Angola", "Angola"), ("Save as", "Enregistrer sous"),
  ] + [(f"Delete item number {i}", f"Supprimer l'élément numéro {i}") for i in range(60)])
  b = write_mo(str(tmp_path / "b/fr/LC_MESSAGES/b.mo"), [
      ("Open", "Ouvrir"), ("Close", "Clore"), ("Save as", "Enregistrer sous"),
      ("Missing", ""),
  ])
  return [message_catalogs.Catalog("a", a), message_catalogs.Catalog("b", b)]


def test_build_corpus_cleans_deduplicates_and_splits_by_source_hash(tmp_path):
  corpus = catalogs_corpus.build_corpus(_fixture_catalogs(tmp_path))
  assert corpus.entries == 67 + 3  # the .mo writer leaves the untranslated "Missing" out
  assert corpus.dropped == {"empty": 0, "symbolic_id": 1, "format_only": 1, "placeholders": 1,
                            "untranslated": 1, "duplicate": 3}
  assert corpus.pairs_per_origin == {"a": 63, "b": 3}
  everything = [p for split in corpus.splits.values() for p in split]
  assert len(everything) == 63
  assert ("Open", "Ouvrir") in everything and ("Close", "Clore") in everything  # tie: smallest
  sources_by_split = {name: {en for en, _ in pairs} for name, pairs in corpus.splits.items()}
  for name, split_sources in sources_by_split.items():
    assert all(catalogs_corpus.split_of(en) == name for en in split_sources)
  assert sum(len(s) for s in sources_by_split.values()) == len({en for en, _ in everything})
  assert corpus.sha256 == catalogs_corpus.content_sha256(corpus.splits)
  assert re.fullmatch("[0-9a-f]{64}", corpus.sha256)
  shuffled = dict(corpus.splits, train=corpus.splits["train"][::-1])
  assert catalogs_corpus.content_sha256(shuffled) == corpus.sha256
  moved = dict(corpus.splits, train=corpus.splits["train"][1:],
               test=corpus.splits["test"] + corpus.splits["train"][:1])
  assert catalogs_corpus.content_sha256(moved) != corpus.sha256


def test_unreadable_catalog_raises_or_is_skipped(tmp_path):
  bad = tmp_path / "bad.mo"
  bad.write_bytes(b"garbage")
  catalogs = _fixture_catalogs(tmp_path) + [message_catalogs.Catalog("c", str(bad))]
  with pytest.raises(ValueError, match="bad.mo: not a readable"):
    catalogs_corpus.build_corpus(catalogs)
  assert len(catalogs_corpus.build_corpus(catalogs, skip_unreadable=True).splits["train"]) > 0


def test_missing_or_other_version_of_a_pinned_source_says_what_to_install(monkeypatch):
  real = importlib.metadata.version

  def fake_version(name):
    if name == "Django":
      raise importlib.metadata.PackageNotFoundError(name)
    if name == "pycountry":
      return "1.0"
    return real(name)

  monkeypatch.setattr(importlib.metadata, "version", fake_version)
  with pytest.raises(ValueError) as info:
    catalogs_corpus.check_pinned_packages()
  message = str(info.value)
  assert "Django is not installed" in message
  assert "pycountry is 1.0, the corpus is pinned to 26.2.16" in message
  assert 'pip install "Django==5.2.19" ' in message and '"zope.app.locales==6.0"' in message


def test_pyproject_pins_the_same_sources():
  pyproject = os.path.join(os.path.dirname(__file__), "../../../pyproject.toml")
  with open(pyproject, encoding="utf-8") as f:
    text = f.read()
  for name, version in catalogs_corpus.PINNED_PACKAGES:
    assert f'"{name}=={version}"' in text


def test_system_variant_without_catalogs_names_the_folders(monkeypatch):
  monkeypatch.setattr(message_catalogs, "SYSTEM_PREFIXES", ("/nonexistent/locale",))
  with pytest.raises(ValueError, match="found no French catalog under /nonexistent/locale/fr/"):
    catalogs_corpus.collect_catalogs("system")
  with pytest.raises(ValueError, match="unknown catalog source 'web'"):
    catalogs_corpus.collect_catalogs("web")


@pytest.mark.slow
def test_default_corpus_builds_with_the_recorded_hash_counts_and_licences(tmp_path):
  splits = {name: sources.load_split("rnnlab_en_fr_catalogs", name, data_dir=str(tmp_path))
            for name in sources.SPLITS}
  pairs = {name: split.pairs() for name, split in splits.items()}
  assert {k: len(v) for k, v in pairs.items()} == {"train": 12827, "validation": 413,
                                                   "test": 989}
  assert catalogs_corpus.content_sha256(pairs) == catalogs_corpus.DEFAULT_SHA256
  english = {name: {en for en, _ in p} for name, p in pairs.items()}
  assert not english["train"] & english["test"] and not english["train"] & english["validation"]
  builder = sources._builder("rnnlab_en_fr_catalogs", str(tmp_path))  # pylint: disable=protected-access
  metadata = builder.info.metadata
  assert metadata["sha256"] == catalogs_corpus.DEFAULT_SHA256
  assert set(metadata["origins"]) == {n for n, _ in catalogs_corpus.PINNED_PACKAGES}
  assert metadata["origins"]["Django"] == {"version": "5.2.19", "licence": "BSD-3-Clause",
                                           "pairs": 851}
