"""Compiled gettext catalogs (``.mo``) of one language: where they are, what they hold, licences.

Two kinds of origin:

* an installed Python distribution (:func:`distribution_catalogs`): the ``.mo`` files it lists
  under ``<lang>/LC_MESSAGES/`` (``importlib.metadata``), its version and licence from its
  package metadata (``License-Expression``, else ``License``, else the licence classifiers);
* a system locale prefix such as ``/usr/share/locale`` (:func:`system_catalogs`):
  ``<prefix>/<lang>/LC_MESSAGES/*.mo``; the licence is the owning Debian package's
  ``/usr/share/doc/<package>/copyright`` where ``dpkg-query`` can tell the owner.

Catalogs are read with the standard library's :class:`gettext.GNUTranslations` (the reader
Python itself uses), which decodes each message with the catalog's charset.
"""
import dataclasses
import gettext
import importlib.metadata
import os
import shutil
import subprocess

LOCALE_DIRS = {"fr": ("fr", "fr_FR")}
SYSTEM_PREFIXES = ("/usr/share/locale", "/usr/local/share/locale", "/usr/share/locale-langpack")


@dataclasses.dataclass(frozen=True)
class Catalog:
  """One ``.mo`` file: ``origin`` is a distribution name or a system prefix."""
  origin: str
  path: str


def read_catalog(path: str) -> list[tuple[str, str]]:
  """The ``(msgid, msgstr)`` entries of a ``.mo`` file, in file order, header left out.

  ``msgctxt`` is dropped from the msgid (gettext stores ``context \\x04 msgid``); a plural
  entry gives its singular pair (``msgid``, ``msgstr[0]``): the ``.mo`` reader keeps no
  ``msgid_plural``. Raises ValueError naming the file if it is not a readable catalog.
  """
  try:
    with open(path, "rb") as f:
      translations = gettext.GNUTranslations(f)
  except (OSError, UnicodeDecodeError, ValueError, LookupError) as e:
    raise ValueError(f"{path}: not a readable gettext .mo catalog ({e})") from e
  entries = []
  # _catalog is the parsed message table of GNUTranslations (no public accessor exists).
  for key, msgstr in translations._catalog.items():  # pylint: disable=protected-access
    if isinstance(key, tuple):
      key, form = key
      if form != 0:
        continue
    msgid = key.split("\x04", 1)[-1]
    if msgid:
      entries.append((msgid, msgstr))
  return entries


def _is_catalog(parts: tuple[str, ...], language: str) -> bool:
  return (len(parts) >= 3 and parts[-1].endswith(".mo") and parts[-2] == "LC_MESSAGES"
          and parts[-3] in LOCALE_DIRS.get(language, (language,)))


def distribution_catalogs(name: str, language: str = "fr") -> list[Catalog]:
  """The ``.mo`` catalogs of ``language`` shipped by the installed distribution ``name``.

  Raises ``importlib.metadata.PackageNotFoundError`` if it is not installed.
  """
  dist = importlib.metadata.distribution(name)
  found = [str(dist.locate_file(f)) for f in dist.files or ()
           if _is_catalog(tuple(f.parts), language)]
  return [Catalog(name, p) for p in sorted(found) if os.path.isfile(p)]


def distribution_licence(name: str) -> str:
  """The licence of an installed distribution, from its package metadata."""
  meta = importlib.metadata.metadata(name)
  expression = meta.get("License-Expression")
  if expression:
    return expression
  classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or ()
                 if c.startswith("License ::")]
  licence = (meta.get("License") or "").strip()
  return "; ".join(x for x in [licence.splitlines()[0] if licence else ""] + classifiers if x) or (
      "unknown")


def system_catalogs(language: str = "fr",
                    prefixes: tuple[str, ...] | None = None) -> list[Catalog]:
  """``<prefix>/<lang>/LC_MESSAGES/*.mo`` under each existing prefix (default
  :data:`SYSTEM_PREFIXES`), sorted."""
  found = []
  for prefix in SYSTEM_PREFIXES if prefixes is None else prefixes:
    for locale_dir in LOCALE_DIRS.get(language, (language,)):
      folder = os.path.join(prefix, locale_dir, "LC_MESSAGES")
      if os.path.isdir(folder):
        found += [Catalog(prefix, os.path.join(folder, n)) for n in sorted(os.listdir(folder))
                  if n.endswith(".mo")]
  return found


def system_licences(paths: list[str]) -> dict[str, str]:
  """``path -> "<package>: /usr/share/doc/<package>/copyright"`` where dpkg knows the owner."""
  if not paths or shutil.which("dpkg-query") is None:
    return {p: "unknown (no dpkg-query)" for p in paths}
  result = subprocess.run(["dpkg-query", "-S", *paths], capture_output=True, text=True,
                          check=False)
  owners = {}
  for line in result.stdout.splitlines():
    package, _, path = line.partition(": ")
    owners[path.strip()] = package.split(":")[0].split(",")[0].strip()
  return {p: (f"{owners[p]}: /usr/share/doc/{owners[p]}/copyright" if p in owners
              else "unknown (no owning package)") for p in paths}
