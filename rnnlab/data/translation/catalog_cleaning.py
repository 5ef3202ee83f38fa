"""Cleaning gettext messages into sentence pairs, the way OPUS builds its software corpora.

A message catalog maps an English ``msgid`` to its translation ``msgstr``. Not every entry is a
sentence pair; :func:`clean_pair` keeps one only if it survives these rules, in this order
(the name of the rule that drops a pair is returned, so a corpus build can count them):

1. ``"empty"``: an empty side. Compiled catalogs rarely hold one: ``msgfmt`` (and babel)
   leave untranslated entries out, and fuzzy ones too unless ``--use-fuzzy``.
2. ``"symbolic_id"``: the msgid is a program identifier, not English (Plone's
   ``label_title``, ``help_foo.bar``): one lowercase token joined by ``_`` or ``.``.
3. Normalisation (not a drop): runs of whitespace, including newlines and the French
   non-breaking spaces U+00A0 / U+202F, become one ASCII space; leading and trailing space
   goes; a keyboard accelerator marker is removed from each side (GTK ``_File`` ->
   ``File``, Qt/KDE ``&File`` -> ``File``; see :func:`strip_accelerator`).
4. ``"format_only"``: either side has no letter outside its placeholders and HTML entities
   (``"%s: %s"``, ``"%1 %2"``, ``"---"``).
5. ``"placeholders"``: the placeholders of the two sides differ as multisets. Placeholders
   are kept verbatim (``%s``, ``%(name)s``, ``%1$s``, ``%1``, ``{name}``, ``{}``, ``${name}``,
   ``$name``): the model has to copy them, as a translator does. A pair whose sides disagree
   is a broken translation (``msgfmt -c`` makes the same check for c-format strings).
6. ``"untranslated"``: the two sides are equal after normalisation (a copied msgid: proper
   names such as "Angola" go with them).

:func:`deduplicate` then keeps one translation per English sentence (the most frequent
across catalogs; ties go to the lexicographically smallest), so that a source sentence has
exactly one reference and lands in exactly one split.
"""
import collections
import re
from typing import Iterable

DROP_REASONS = ("empty", "symbolic_id", "format_only", "placeholders", "untranslated")

_SYMBOLIC_ID = re.compile(r"[a-z0-9]+(?:[._][a-z0-9]+)+")
# printf (C and Python, with positional %1$s and named %(name)s; no space flag, so French
# "50 % de" is not read as "% d"), Qt/JS "%1", Python braces, Zope/shell "${name}" / "$name".
_PLACEHOLDER = re.compile(
    r"%(?:\d+\$|\([^)\s]+\))?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"(?:hh|h|ll|l|L|q|j|z|Z|t)?[diouxXeEfFgGaAcspr]"
    r"|%\d+"
    r"|\{[A-Za-z_][\w.]*(?:![rsa])?(?::[^{}]*)?\}|\{\d*\}"
    r"|\$\{\w+\}|\$[A-Za-z_]\w*")
_LETTER = re.compile(r"[^\W\d_]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);")


def normalise_whitespace(text: str) -> str:
  """Every run of Unicode whitespace (newlines, U+00A0, U+202F) -> one space; stripped."""
  return " ".join(text.split())


def is_symbolic_id(msgid: str) -> bool:
  """True for identifier-like msgids (``label_title``, ``help.text``), which are not English."""
  return _SYMBOLIC_ID.fullmatch(msgid) is not None


def strip_accelerator(text: str) -> str:
  """Removes one keyboard accelerator marker: ``_File`` / ``A_juster`` / ``&File`` -> ``File``.

  A marker is the only ``_`` of the message, followed by a letter and not preceded by a
  placeholder character; or the only ``&`` that is not part of an HTML entity (``&amp;``)
  and is followed by a letter. Text with several ``_`` (``__tls_get_addr``, ``pam_*_item``)
  or an ``&`` followed by a space ("Tom & Jerry") is returned unchanged.
  """
  if text.count("_") == 1:
    i = text.index("_")
    if i + 1 < len(text) and _LETTER.match(text[i + 1]) and (i == 0 or text[i - 1] not in "%({$"):
      text = text[:i] + text[i + 1:]
  without_entities = _ENTITY.sub("", text)
  if without_entities.count("&") == 1:
    i = without_entities.index("&")
    if i + 1 < len(without_entities) and _LETTER.match(without_entities[i + 1]):
      # The same "&" in the original text: the only one outside entities.
      positions = [m.start() for m in re.finditer("&", text)
                   if not _ENTITY.match(text, m.start())]
      j = positions[0]
      text = text[:j] + text[j + 1:]
  return text


def placeholders(text: str) -> list[str]:
  """The placeholders of ``text``, sorted (a multiset); ``%%`` is a literal, not one."""
  return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


def _has_words(text: str) -> bool:
  """A letter outside placeholders and HTML entities ("%s: %s" and "&hellip;" have none)."""
  return _LETTER.search(_ENTITY.sub("", _PLACEHOLDER.sub("", text.replace("%%", "")))) is not None


def clean_pair(msgid: str, msgstr: str) -> tuple[tuple[str, str] | None, str | None]:
  """``((english, french), None)`` for a kept pair, ``(None, reason)`` for a dropped one.

  ``reason`` is one of :data:`DROP_REASONS` (module docstring, rules 1-6).
  """
  if not msgid.strip() or not msgstr.strip():
    return None, "empty"
  if is_symbolic_id(msgid.strip()):
    return None, "symbolic_id"
  source = strip_accelerator(normalise_whitespace(msgid))
  target = strip_accelerator(normalise_whitespace(msgstr))
  if not _has_words(source) or not _has_words(target):
    return None, "format_only"
  if placeholders(source) != placeholders(target):
    return None, "placeholders"
  if source == target:
    return None, "untranslated"
  return (source, target), None


def deduplicate(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
  """One pair per source sentence: its most frequent target (ties: smallest); sorted by source."""
  targets: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
  for source, target in pairs:
    targets[source][target] += 1
  return [(source, min(counts, key=lambda t: (-counts[t], t)))
          for source, counts in sorted(targets.items())]
