"""Converters into :class:`rnnlab.trees.Tree`: nested Python tuples and parsed (labelled) trees.

Both number the nodes in post-order (children left to right, then the parent), which is a
topological order with the root last, as :class:`~rnnlab.trees.Tree` requires. Tokens sit
at the leaves; internal nodes get token ``-1``.
"""
import dataclasses
from typing import Any, Callable, Mapping

import numpy as np

from rnnlab.trees.tree_arrays import Tree


@dataclasses.dataclass(frozen=True)
class ParsedTree:
  """A node of a parsed tree: a ``label`` (None if unlabelled) and either a ``word`` (a leaf)
  or ``children`` (an internal node), e.g. from a PTB-style bracketed string."""

  label: int | None
  word: str | None = None
  children: tuple["ParsedTree", ...] = ()

  def __post_init__(self):
    if (self.word is None) == (not self.children):
      raise ValueError(f"a ParsedTree node has a word or children, not both or neither; got "
                       f"word={self.word!r} and {len(self.children)} children")

  def leaves(self) -> list[str]:
    """The words at the leaves, left to right."""
    out, stack = [], [self]
    while stack:
      node = stack.pop()
      if node.word is not None:
        out.append(node.word)
      stack.extend(reversed(node.children))
    return out


def _postorder(root: Any, kids: Callable[[Any], tuple]) -> tuple[list, list[list[int]]]:
  """Nodes in post-order and, per node, its children's post-order indices (iterative)."""
  order, child_ids = [], []
  stack = [(root, False)]
  done: list[list[int]] = [[]]  # indices of finished children of each open node
  while stack:
    node, expanded = stack.pop()
    children = kids(node)
    if children and not expanded:
      stack.append((node, True))
      done.append([])
      stack.extend((c, False) for c in reversed(children))
      continue
    mine = done.pop() if children else []
    order.append(node)
    child_ids.append(mine)
    done[-1].append(len(order) - 1)
  return order, child_ids


def _children_array(child_ids: list[list[int]]) -> np.ndarray:
  k = max(len(c) for c in child_ids)
  out = np.full((len(child_ids), k), -1, np.int32)
  for i, ids in enumerate(child_ids):
    out[i, :len(ids)] = ids
  return out


def from_nested(nested: Any, token_ids: Callable[[Any], int] | Mapping | None = None,
                where: str = "tree") -> Tree:
  """A tree from nested tuples/lists: a tuple or list is an internal node, anything else a leaf.

  ``((1, 2), 3)`` is a binary tree with leaves 1, 2, 3 (nodes 0: 1, 1: 2, 2: (1, 2), 3: 3,
  4: root). A leaf's token is ``token_ids(leaf)`` (a callable or a mapping) or, without
  ``token_ids``, ``int(leaf)``. Raises ValueError for an empty tuple (a node must have a
  leaf or children) or an unknown leaf.
  """
  def kids(node):
    if isinstance(node, (tuple, list)):
      if not node:
        raise ValueError(f"{where}: an empty {type(node).__name__} is not a tree node")
      return tuple(node)
    return ()

  order, child_ids = _postorder(nested, kids)
  lookup = (token_ids.__getitem__ if isinstance(token_ids, Mapping) else token_ids) or int
  tokens = np.full(len(order), -1, np.int32)
  for i, node in enumerate(order):
    if not child_ids[i]:
      try:
        tokens[i] = lookup(node)
      except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{where}: leaf {node!r} has no token id ({e!r})") from e
  return Tree(_children_array(child_ids), tokens, where=where)


def from_parsed(parsed: ParsedTree, token_ids: Callable[[str], int] | Mapping,
                where: str = "tree") -> Tree:
  """A labelled tree from a :class:`ParsedTree`: leaf tokens ``token_ids(word)``, and every
  node's label (``-1`` where ``label`` is None)."""
  order, child_ids = _postorder(parsed, lambda node: node.children)
  lookup = token_ids.__getitem__ if isinstance(token_ids, Mapping) else token_ids
  tokens = np.array([-1 if node.word is None else lookup(node.word) for node in order], np.int32)
  labels = np.array([-1 if node.label is None else node.label for node in order], np.int32)
  return Tree(_children_array(child_ids), tokens, labels, where=where)
