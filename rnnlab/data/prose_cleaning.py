"""Turn reStructuredText-like documentation text into plain English prose.

The embedded corpus (``rnnlab_pydoc_prose``) is made from documentation that CPython
ships: the rendered reference pages in ``pydoc_data.topics`` and the standard library's
docstrings. Both are prose interleaved with code samples, grammar productions and
tables. ``clean_to_prose`` keeps the prose paragraphs, one paragraph per line, in ASCII.

Rules (applied to blocks separated by blank lines):

* a title line followed by an underline (``****``, ``====``, ``----``, ``~~~~``) is kept
  as a line of its own;
* tables (lines starting with ``+`` or ``|``), doctest blocks (``>>>``) and grammar
  productions (``::=``) are dropped;
* an indented block that follows a paragraph ending in ``:`` is a literal (code) block
  and is dropped;
* any other block is kept only if it reads as prose: at least three words, mostly
  letters, ending with sentence punctuation; an indented block (3+ columns deeper than
  the paragraph before it) must also end a sentence (``.``, ``?``, ``!``) and have at
  least six words, which drops unlabelled code samples;
* reST roles (``:mod:`json```) and literals (````x````) become ``"json"``, ``"x"`` as in
  pydoc's rendering, a closing ``::`` becomes ``:``; inline ``**bold**`` and
  ``*emphasis*`` markers are removed, typographic quotes and
  dashes become ASCII, anything else outside printable ASCII is dropped.
"""
import re
import unicodedata
from typing import Iterable, List

_UNDERLINE = re.compile(r"^\s*([*=\-~^#])\1{2,}\s*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_SPACES = re.compile(r"\s+")
_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")
_INTERPRETED = re.compile(r"`([^`]+)`_{0,2}")
_ASCII_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
    "\u2014": "--", "\u2026": "...", "\u00a0": " ", "\u2022": "*", "\u2192": "->",
}
_SENTENCE_END = (".", "?", "!", ")", ":", '"', "'")
_MIN_PROSE_WORDS = 3
_MIN_INDENTED_PROSE_WORDS = 6
_FULL_STOP = re.compile(r"[.?!][)\"']?$")
_MIN_LETTER_FRACTION = 0.6


def to_ascii(text: str) -> str:
  """Maps typographic characters to ASCII and drops what has no ASCII form."""
  for src, dst in _ASCII_REPLACEMENTS.items():
    text = text.replace(src, dst)
  text = unicodedata.normalize("NFKD", text)
  return "".join(c for c in text if c == "\n" or " " <= c <= "~")


def _indent(line: str) -> int:
  return len(line) - len(line.lstrip(" "))


def _blocks(text: str) -> List[List[str]]:
  """Splits text into blocks of non-blank lines separated by blank lines."""
  blocks, current = [], []
  for line in text.expandtabs(8).split("\n"):
    if line.strip():
      current.append(line.rstrip())
    elif current:
      blocks.append(current)
      current = []
  if current:
    blocks.append(current)
  return blocks


def _is_code_like(lines: List[str]) -> bool:
  stripped = [line.strip() for line in lines]
  return any(s.startswith((">>>", "...", "+", "|", "$ ")) or "::=" in s for s in stripped)


def _unwrap(lines: Iterable[str]) -> str:
  text = " ".join(line.strip() for line in lines)
  text = _ROLE.sub(r'"\1"', text)
  text = _LITERAL.sub(r'"\1"', text)
  text = _INTERPRETED.sub(r"\1", text)
  if text.endswith("::"):
    text = text[:-1]
  text = _BOLD.sub(r"\1", text)
  text = _EMPHASIS.sub(r"\1", text)
  return _SPACES.sub(" ", text).strip()


def is_prose(paragraph: str) -> bool:
  """True if a one-line paragraph reads as a sentence of English prose."""
  words = paragraph.split()
  if len(words) < _MIN_PROSE_WORDS or not paragraph.endswith(_SENTENCE_END):
    return False
  letters = sum(c.isalpha() or c == " " for c in paragraph)
  return letters >= _MIN_LETTER_FRACTION * len(paragraph)


def clean_to_prose(text: str) -> str:
  """Returns the prose of ``text``: one paragraph per line, ASCII, no trailing newline.

  Returns an empty string if nothing in ``text`` reads as prose.
  """
  out: List[str] = []
  previous_ends_with_colon = False
  previous_indent = 0
  for block in _blocks(to_ascii(text)):
    indent = min(_indent(line) for line in block)
    deeper = indent >= previous_indent + 3
    if (previous_ends_with_colon and deeper) or _is_code_like(block):
      continue  # a literal block keeps the state of the paragraph that introduced it
    previous_ends_with_colon = block[-1].rstrip().endswith(":")
    paragraph_lines: List[str] = []
    for i, line in enumerate(block):
      if _UNDERLINE.match(line):
        continue
      if i + 1 < len(block) and _UNDERLINE.match(block[i + 1]):
        title = _unwrap([line])
        if title and paragraph_lines == [] and any(c.isalpha() for c in title):
          out.append(title)
        continue
      paragraph_lines.append(line)
    if paragraph_lines:
      paragraph = _unwrap(paragraph_lines)
      if deeper and (len(paragraph.split()) < _MIN_INDENTED_PROSE_WORDS
                     or not _FULL_STOP.search(paragraph)):
        continue
      if is_prose(paragraph):
        out.append(paragraph)
        previous_indent = indent
  return "\n".join(out)
