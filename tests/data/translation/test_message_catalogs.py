"""Reading .mo catalogs and finding them (rnnlab.data.translation.message_catalogs)."""
import os

import pytest

from rnnlab.data.translation import message_catalogs
from tests.data.translation.catalog_fixtures import write_mo


def test_read_catalog_drops_context_keeps_singular_of_plurals(tmp_path):
  path = write_mo(str(tmp_path / "fr/LC_MESSAGES/app.mo"), [
      ("Open", "Ouvrir"),
      ("Open", "Ouvert", "adjective"),
      (("%d file", "%d files"), ("%d fichier", "%d fichiers")),
      ("Untranslated", ""),
  ])
  entries = message_catalogs.read_catalog(path)
  # The .mo writer leaves the untranslated entry out, as msgfmt does.
  assert sorted(entries) == sorted([("Open", "Ouvrir"), ("Open", "Ouvert"),
                                    ("%d file", "%d fichier")])


def test_unreadable_catalog_names_the_file(tmp_path):
  bad = tmp_path / "bad.mo"
  bad.write_bytes(b"not a catalog at all")
  with pytest.raises(ValueError, match=f"{bad}: not a readable gettext .mo catalog"):
    message_catalogs.read_catalog(str(bad))


def test_system_catalogs_finds_fr_and_fr_FR_only(tmp_path):
  for lang in ("fr", "fr_FR", "fr_CA", "de"):
    write_mo(str(tmp_path / lang / "LC_MESSAGES" / "app.mo"), [("Open", "Ouvrir")])
  (tmp_path / "fr" / "LC_MESSAGES" / "notes.txt").write_text("x")
  found = message_catalogs.system_catalogs("fr", prefixes=(str(tmp_path), "/nonexistent"))
  assert [os.path.relpath(c.path, tmp_path) for c in found] == [
      "fr/LC_MESSAGES/app.mo", "fr_FR/LC_MESSAGES/app.mo"]
  assert {c.origin for c in found} == {str(tmp_path)}


def test_distribution_catalogs_and_licence():
  found = message_catalogs.distribution_catalogs("Django", "fr")
  names = {os.path.relpath(c.path, os.path.dirname(os.path.dirname(__import__("django").__file__)))
           for c in found}
  assert "django/conf/locale/fr/LC_MESSAGES/django.mo" in names
  assert all(c.origin == "Django" and c.path.endswith(".mo") for c in found)
  assert message_catalogs.distribution_licence("Django") == "BSD-3-Clause"
  assert "GPL" in message_catalogs.distribution_licence("plone.app.locales")
