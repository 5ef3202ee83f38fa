"""Tiny gettext catalogs written by the tests (babel's .mo writer), shared by the catalog tests."""
import os

from babel.messages import catalog as babel_catalog
from babel.messages import mofile


def write_mo(path: str, entries) -> str:
  """Writes ``entries`` (msgid, msgstr[, context]) as a French .mo file at ``path``."""
  cat = babel_catalog.Catalog(locale="fr")
  for entry in entries:
    msgid, msgstr, context = (tuple(entry) + (None,))[:3]
    cat.add(msgid, msgstr, context=context)
  os.makedirs(os.path.dirname(path), exist_ok=True)
  with open(path, "wb") as f:
    mofile.write_mo(f, cat)
  return path
