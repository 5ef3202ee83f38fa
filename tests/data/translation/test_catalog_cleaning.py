"""Cleaning rules of gettext messages (rnnlab.data.translation.catalog_cleaning)."""
import pytest

from rnnlab.data.translation import catalog_cleaning as cleaning


@pytest.mark.parametrize("text, expected", [
    ("_File", "File"), ("A_juster au mieux", "Ajuster au mieux"), ("&Open...", "Open..."),
    ("Save &As", "Save As"), ("Tom & Jerry", "Tom & Jerry"), ("Settings&hellip;", "Settings&hellip;"),
    ("&Edit &amp; view", "Edit &amp; view"), ("__tls_get_addr stub", "__tls_get_addr stub"),
    ("Bad item passed to pam_*_item()", "Bad item passed to pam_*_item()"),
    ("%(_name)s", "%(_name)s"), ("no marker", "no marker"), ("trailing_", "trailing_")])
def test_strip_accelerator(text, expected):
  assert cleaning.strip_accelerator(text) == expected


def test_placeholders_are_a_multiset_of_every_style():
  text = "%s of %(count)d at %1$s: %2 {name} {} ${title} $HOME 100%% done"
  assert cleaning.placeholders(text) == sorted(
      ["%s", "%(count)d", "%1$s", "%2", "{name}", "{}", "${title}", "$HOME"])
  # French "50 % de" is not a "% d" conversion (no space flag); "%%" is a literal.
  assert cleaning.placeholders("50 % de %% réussite") == []


def test_symbolic_ids():
  assert cleaning.is_symbolic_id("label_title") and cleaning.is_symbolic_id("help.text_x")
  for english in ("Title", "e-mail", "title", "Save as", "label_Title"):
    assert not cleaning.is_symbolic_id(english)


@pytest.mark.parametrize("msgid, msgstr, pair, reason", [
    ("Open _File\n", "Ouvrir le _fichier\u00a0:\n", ("Open File", "Ouvrir le fichier :"), None),
    ("%d files\ncopied", "%d fichiers\u202fcopiés", ("%d files copied", "%d fichiers copiés"), None),
    ("Hello", "", None, "empty"),
    ("label_title", "Titre", None, "symbolic_id"),
    ("%s: %s", "%s\u00a0: %s", None, "format_only"),
    ("Copy %s to %s", "Copier %s", None, "placeholders"),
    ("Delete {name}", "Supprimer {nom}", None, "placeholders"),
    ("Angola", "Angola", None, "untranslated"),
    ("_Angola", "Angol_a", None, "untranslated"),  # equal once the markers are gone
])
def test_clean_pair(msgid, msgstr, pair, reason):
  assert cleaning.clean_pair(msgid, msgstr) == (pair, reason)
  assert reason is None or reason in cleaning.DROP_REASONS


def test_deduplicate_keeps_the_most_frequent_target_then_the_smallest():
  pairs = [("Open", "Ouvrir"), ("Close", "Fermer"), ("Open", "Ouvre"), ("Open", "Ouvre"),
           ("Save", "Sauver"), ("Save", "Enregistrer")]
  assert cleaning.deduplicate(pairs) == [("Close", "Fermer"), ("Open", "Ouvre"),
                                         ("Save", "Enregistrer")]
