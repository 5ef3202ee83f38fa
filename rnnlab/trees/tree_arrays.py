"""Trees as arrays: one tree (NumPy, validated) and a padded batch of trees (a JAX pytree).

A tree of ``n`` nodes is three arrays:

* ``children [n, K]`` int32: the node-local indices of each node's children, in order and
  left-packed (``-1`` = no child). A node without children is a leaf.
* ``tokens [n]`` int32: each node's token id, ``-1`` = none (e.g. the internal nodes of a
  constituency tree, whose words are at the leaves).
* ``labels [n]`` int32: each node's class label, ``-1`` = none (the Stanford Sentiment
  Treebank labels every node; ListOps only the root).

Nodes are topologically ordered, children before parents: every child index is smaller than
its parent's, the root is the last node ``n - 1``, and every other node has exactly one
parent. :func:`check_tree` enforces this and names the offending node.

A :class:`TreeBatch` pads ``B`` trees to ``N`` nodes and ``K`` child slots and carries the
level schedule that :func:`rnnlab.trees.propagate` runs: the level of a leaf is 0, of an
internal node 1 + the largest level of its children, and all nodes of one level (in every
tree of the batch) are computed at once. Node ``n`` of tree ``b`` has the flat index
``b * N + n``; ``schedule[l]`` lists the flat indices of the nodes at level ``l``, padded to
``W`` with ``SINK = B * N + 1``, and ``schedule_children[l, w]`` their children's flat indices,
``MISSING = B * N`` where a slot has no child. Pass ``num_nodes``, ``num_levels``,
``level_width`` and ``max_children`` to :func:`batch_trees` to keep shapes fixed across
batches (one jit compilation).
"""
import dataclasses
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np


def _fail(where: str, message: str):
  raise ValueError(f"{where}: {message}")


def _find_cycle(children: np.ndarray) -> list[int] | None:
  """A cycle of the child relation as a node list ``[a, b, ..., a]``, or None."""
  n = children.shape[0]
  color = np.zeros(n, np.int8)  # 0 new, 1 on the DFS stack, 2 done
  for start in range(n):
    if color[start]:
      continue
    path, iters = [start], [iter(c for c in children[start] if c >= 0)]
    color[start] = 1
    while path:
      child = next(iters[-1], None)
      if child is None:
        color[path.pop()] = 2
        iters.pop()
      elif color[child] == 1:
        return path[path.index(child):] + [int(child)]
      elif color[child] == 0:
        color[child] = 1
        path.append(int(child))
        iters.append(iter(c for c in children[child] if c >= 0))
  return None


def check_tree(children: np.ndarray, where: str = "tree") -> None:
  """Raises ValueError naming the node if ``children [n, K]`` is not a valid ordered tree.

  Checked: indices in ``[-1, n)``; children left-packed; no cycle; every child index below
  its parent's (children before parents); at most one parent per node; the last node is
  the root and every other node has a parent. ``where`` prefixes the message (e.g. a file
  and line).
  """
  children = np.asarray(children)
  if children.ndim != 2 or not np.issubdtype(children.dtype, np.integer):
    _fail(where, f"children must be a 2-D integer array [n, K], got shape {children.shape} "
          f"dtype {children.dtype}")
  n = children.shape[0]
  if n == 0:
    _fail(where, "a tree needs at least one node, got 0")
  bad = np.argwhere((children < -1) | (children >= n))
  if bad.size:
    node, slot = bad[0]
    _fail(where, f"node {node} has child index {children[node, slot]} outside [0, {n}) "
          "(-1 marks no child)")
  valid = children >= 0
  gaps = np.argwhere(~valid[:, :-1] & valid[:, 1:])
  if gaps.size:
    _fail(where, f"node {gaps[0, 0]} has a child after an empty slot; children must be "
          "left-packed")
  parents = np.broadcast_to(np.arange(n)[:, None], children.shape)
  late = np.argwhere(valid & (children >= parents))
  if late.size:
    cycle = _find_cycle(children)
    if cycle is not None:
      _fail(where, f"node {cycle[0]} is in a cycle {' -> '.join(map(str, cycle))}")
    node, slot = late[0]
    _fail(where, f"node {node} has child {children[node, slot]} >= {node}; nodes must be "
          "ordered children before parents (root last)")
  counts = np.bincount(children[valid], minlength=n)
  if np.any(counts > 1):
    child = int(np.argmax(counts > 1))
    owners = sorted(int(p) for p in np.nonzero((children == child).any(axis=1))[0])
    _fail(where, f"node {child} is a child of several nodes {owners}; a tree node has one "
          "parent")
  orphans = np.nonzero(counts[:-1] == 0)[0]
  if orphans.size:
    _fail(where, f"node {orphans[0]} has no parent and is not the root (the last node, "
          f"{n - 1}); a tree has one root")
  if counts[-1]:
    _fail(where, f"the root (last node, {n - 1}) has a parent")


def node_levels(children: np.ndarray) -> np.ndarray:
  """``[n]`` levels of a valid tree: 0 at leaves, else 1 + the largest child level."""
  children = np.asarray(children)
  if children.shape[1] == 0:
    return np.zeros(children.shape[0], np.int64)
  valid = children >= 0
  safe = np.where(valid, children, 0)
  levels = np.zeros(children.shape[0], np.int64)
  for _ in range(children.shape[0]):  # at most depth + 1 passes
    new = np.where(valid.any(axis=1), 1 + np.where(valid, levels[safe], -1).max(axis=1), 0)
    if np.array_equal(new, levels):
      break
    levels = new
  return levels


@dataclasses.dataclass(frozen=True, eq=False)
class Tree:
  """One validated tree (NumPy): ``children [n, K]``, ``tokens [n]``, ``labels [n]``.

  ``tokens`` and ``labels`` default to ``-1`` (none). Raises ValueError (via
  :func:`check_tree`) naming the node if the tree is malformed; ``where`` names the tree
  in messages.
  """

  children: np.ndarray
  tokens: np.ndarray | None = None
  labels: np.ndarray | None = None
  where: str = dataclasses.field(default="tree", repr=False)

  def __post_init__(self):
    children = np.asarray(self.children)
    if children.ndim == 2 and children.shape[1] == 0:
      children = children.astype(np.int32)
    check_tree(children, self.where)
    n = children.shape[0]
    object.__setattr__(self, "children", children.astype(np.int32))
    for field in ("tokens", "labels"):
      value = getattr(self, field)
      value = np.full((n,), -1, np.int32) if value is None else np.asarray(value)
      if value.shape != (n,) or not np.issubdtype(value.dtype, np.integer):
        _fail(self.where, f"{field} must be an integer array of shape ({n},), got shape "
              f"{value.shape} dtype {value.dtype}")
      if np.any(value < -1):
        _fail(self.where, f"node {int(np.argmax(value < -1))} has {field[:-1]} "
              f"{int(value.min())}; allowed: >= 0, or -1 for none")
      object.__setattr__(self, field, value.astype(np.int32))

  @property
  def num_nodes(self) -> int:
    return self.children.shape[0]

  @property
  def max_children(self) -> int:
    """The largest number of children of any node."""
    return int((self.children >= 0).sum(axis=1).max())

  def levels(self) -> np.ndarray:
    return node_levels(self.children)


class TreeBatch(NamedTuple):
  """``B`` trees padded to ``N`` nodes (a pytree of arrays; see the module docstring).

  Fields: ``children [B, N, K]``, ``tokens [B, N]``, ``labels [B, N]`` (``-1`` at padding
  nodes), ``num_nodes [B]``, ``schedule [L, W]``, ``schedule_children [L, W, K]``.
  """

  children: jax.Array
  tokens: jax.Array
  labels: jax.Array
  num_nodes: jax.Array
  schedule: jax.Array
  schedule_children: jax.Array

  @property
  def node_mask(self) -> jax.Array:
    """``[B, N]`` bool, True at real (non-padding) nodes."""
    n = self.tokens.shape[1]
    return jnp.arange(n)[None, :] < jnp.asarray(self.num_nodes)[:, None]

  @property
  def roots(self) -> jax.Array:
    """``[B]`` node index of each tree's root (its last node)."""
    return jnp.asarray(self.num_nodes) - 1


def _at_least(value: int | None, needed: int, name: str) -> int:
  if value is None:
    return needed
  if isinstance(value, bool) or not isinstance(value, int) or value < needed:
    raise ValueError(f"{name}={value!r} is too small for this batch; allowed: an int >= {needed}")
  return value


def batch_trees(trees: Sequence[Tree], *, num_nodes: int | None = None,
                num_levels: int | None = None, level_width: int | None = None,
                max_children: int | None = None) -> TreeBatch:
  """Pads ``trees`` into one :class:`TreeBatch` of NumPy arrays (``jnp.asarray`` or jit them).

  ``num_nodes`` (N), ``num_levels`` (L), ``level_width`` (W) and ``max_children`` (K)
  default to this batch's own sizes; give them to fix shapes across batches. Raises
  ValueError for an empty batch, a non-:class:`Tree`, or a size smaller than the batch
  needs (``max_children`` names the first node with more children).
  """
  trees = list(trees)
  if not trees:
    raise ValueError("batch_trees needs at least one tree, got 0")
  for index, tree in enumerate(trees):
    if not isinstance(tree, Tree):
      raise ValueError(f"trees[{index}] is a {type(tree).__name__}; allowed: rnnlab.trees.Tree")
  if max_children is not None:
    for index, tree in enumerate(trees):
      counts = (tree.children >= 0).sum(axis=1)
      if np.any(counts > max_children):
        node = int(np.argmax(counts > max_children))
        raise ValueError(f"trees[{index}] node {node} has {counts[node]} children; allowed: at "
                         f"most max_children={max_children}")
  b = len(trees)
  n = _at_least(num_nodes, max(t.num_nodes for t in trees), "num_nodes")
  k = _at_least(max_children, max(max(t.max_children for t in trees), 1), "max_children")
  levels = [t.levels() for t in trees]
  l_needed = max(int(lv.max()) for lv in levels) + 1
  num_l = _at_least(num_levels, l_needed, "num_levels")
  width = np.zeros(num_l, np.int64)
  for lv in levels:
    width[:l_needed] += np.bincount(lv, minlength=l_needed)
  w = _at_least(level_width, int(width.max()), "level_width")
  missing, sink = b * n, b * n + 1

  children = np.full((b, n, k), -1, np.int32)
  tokens = np.full((b, n), -1, np.int32)
  labels = np.full((b, n), -1, np.int32)
  flat_children = np.full((b * n + 2, k), missing, np.int64)
  for i, tree in enumerate(trees):
    m, kk = tree.children.shape
    kk = min(kk, k)  # columns beyond k are empty (checked above via max_children)
    children[i, :m, :kk] = tree.children[:, :kk]
    tokens[i, :m] = tree.tokens
    labels[i, :m] = tree.labels
    ch = children[i, :m]
    flat_children[i * n:i * n + m] = np.where(ch >= 0, ch + i * n, missing)
  schedule = np.full((num_l, w), sink, np.int64)
  fill = np.zeros(num_l, np.int64)
  for i, lv in enumerate(levels):
    for level in range(l_needed):
      nodes = np.nonzero(lv == level)[0] + i * n
      schedule[level, fill[level]:fill[level] + nodes.size] = nodes
      fill[level] += nodes.size
  return TreeBatch(
      children=children, tokens=tokens, labels=labels,
      num_nodes=np.array([t.num_nodes for t in trees], np.int32),
      schedule=schedule.astype(np.int32),
      schedule_children=flat_children[schedule].astype(np.int32))
