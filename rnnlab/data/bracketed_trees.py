"""PTB-style bracketed trees with a label at every node (the Stanford Sentiment Treebank format).

One tree per line, e.g. ``(3 (2 It) (4 (3 (2 's) (3 good)) (2 .)))``: every node is
``(label word)`` (a leaf) or ``(label child child ...)``; labels are non-negative integers
(SST: 0-4, very negative to very positive). Blank lines are skipped. Words may not contain
brackets or spaces (the PTB escapes them, ``-LRB-``).

:func:`read_bracketed_trees` gives :class:`rnnlab.trees.ParsedTree` objects;
:func:`read_labelled_trees` converts them to :class:`rnnlab.trees.Tree` arrays (leaf tokens
from a vocabulary, a label on every node) ready for :func:`rnnlab.trees.batch_trees`. Errors
are ValueErrors naming the file and line: unbalanced brackets, a missing or non-integer
label, a node with neither word nor children, a leaf with several words, text after a tree,
an empty, missing or non-UTF-8 file (or a directory).
"""
import os
import re
from typing import Callable, Mapping

from rnnlab.data import text_files
from rnnlab.trees import ParsedTree, Tree, from_parsed

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def parse_bracketed(text: str, where: str = "<string>") -> ParsedTree:
  """Parses one bracketed tree; ``where`` (e.g. ``"file.txt:3"``) prefixes error messages."""
  tokens = _TOKEN.findall(text)
  if not tokens:
    raise ValueError(f"{where}: no tree")
  if tokens[0] != "(":
    raise ValueError(f"{where}: a tree starts with '(', got {tokens[0]!r}")
  stack: list[tuple[int, list]] = []  # (label, [word | ParsedTree, ...]) of open nodes
  root = None
  i = 0
  while i < len(tokens):
    token = tokens[i]
    if root is not None:
      raise ValueError(f"{where}: unexpected {token!r} after the end of the tree (unbalanced "
                       "brackets?)")
    if token == "(":
      label = tokens[i + 1] if i + 1 < len(tokens) else None
      if label is None or label in "()":
        raise ValueError(f"{where}: missing label after '(' (node {len(stack) + 1} levels deep)")
      if not label.isdigit():
        raise ValueError(f"{where}: label {label!r} is not a non-negative integer")
      stack.append((int(label), []))
      i += 2
      continue
    if token == ")":
      if not stack:
        raise ValueError(f"{where}: unbalanced brackets: ')' closes nothing")
      label, items = stack.pop()
      words = [x for x in items if isinstance(x, str)]
      if not items:
        raise ValueError(f"{where}: node with label {label} has neither a word nor children")
      if words and len(items) > 1:
        raise ValueError(f"{where}: node with label {label} mixes words and children or has "
                         f"several words {words}; a leaf is (label word)")
      node = ParsedTree(label, word=words[0]) if words else ParsedTree(label, children=tuple(items))
      if stack:
        stack[-1][1].append(node)
      else:
        root = node
    else:
      if not stack:
        raise ValueError(f"{where}: word {token!r} outside any bracket")
      stack[-1][1].append(token)
    i += 1
  if stack:
    raise ValueError(f"{where}: unbalanced brackets: {len(stack)} '(' not closed")
  return root


def _lines(path: str | os.PathLike) -> list[str]:
  """The file's lines; a directory, a missing or a non-UTF-8 file is a ValueError naming it."""
  return text_files.read_utf8(os.fspath(path)).split("\n")


def read_bracketed_trees(path: str | os.PathLike) -> list[ParsedTree]:
  """All trees of a file, one per non-blank line. Raises ValueError naming the file and line."""
  trees = []
  for number, line in enumerate(_lines(path), start=1):
    if line.strip():
      trees.append(parse_bracketed(line, where=f"{os.fspath(path)}:{number}"))
  if not trees:
    raise ValueError(f"{os.fspath(path)}: empty file, no trees")
  return trees


def read_labelled_trees(path: str | os.PathLike,
                        token_ids: Callable[[str], int] | Mapping[str, int]) -> list[Tree]:
  """The file's trees as :class:`rnnlab.trees.Tree` (post-order nodes, leaf tokens
  ``token_ids(word)``, every node's label). Errors name the file and line."""
  out = []
  for number, line in enumerate(_lines(path), start=1):
    if line.strip():
      where = f"{os.fspath(path)}:{number}"
      out.append(from_parsed(parse_bracketed(line, where=where), token_ids, where=where))
  if not out:
    raise ValueError(f"{os.fspath(path)}: empty file, no trees")
  return out
