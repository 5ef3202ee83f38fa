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
schedule that :func:`rnnlab.trees.propagate` runs. Node ``n`` of tree ``b`` has the flat index
``b * N + n``; ``MISSING = B * N`` marks an empty child slot and ``SINK = B * N + 1`` an empty
place in the schedule (writes there are thrown away).

* ``leaves [M]``: the flat indices of every leaf of the batch (``SINK``-padded); they need no
  child and are computed all at once, before the loop.
* ``schedule [S, W]``: the internal nodes, ``S`` rows ("levels" of the computation) of at
  most ``W`` nodes (``SINK``-padded), each node in a row after the rows of its internal
  children; ``schedule_children [S, W, K]`` their children's flat indices (``MISSING`` where
  a slot has no child). ``propagate`` runs one row per ``lax.scan`` step.

With the default ``level_width`` (the widest internal level of the batch), row ``s`` holds
exactly the nodes at level ``s + 1`` (the level of a leaf is 0, of an internal node 1 + the
largest level of its children). A smaller ``level_width`` packs the nodes into more, narrower
rows by highest-level-first list scheduling (Hu 1961: each step takes the ready nodes farthest
from their root; optimal for unit-time tasks over trees), so that ``S * W`` stays close to the
number of internal nodes even when a batch is deep and its levels narrow towards the roots
(ListOps: 50-70 levels, a few nodes in each of the top ones). The work and memory of
``propagate`` are ``O(M + S * W)`` nodes. Pass ``num_nodes``, ``num_leaves``, ``num_levels``
(``S``), ``level_width`` and ``max_children`` to :func:`batch_trees` to keep shapes fixed
across batches (one jit compilation).
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
  nodes), ``num_nodes [B]``, ``leaves [M]``, ``schedule [S, W]``,
  ``schedule_children [S, W, K]``.
  """

  children: jax.Array
  tokens: jax.Array
  labels: jax.Array
  num_nodes: jax.Array
  leaves: jax.Array
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


def list_schedule(children: np.ndarray, width: int) -> list[np.ndarray]:
  """Rows of at most ``width`` internal nodes of a forest, each after its internal children.

  ``children [n, K]`` are the forest's child indices (``-1`` = none; children before
  parents, each node at most one parent). Highest-level-first list scheduling (T. C. Hu,
  "Parallel sequencing and assembly line problems", Operations Research 9(6), 1961): at each
  step, of the nodes whose children are all computed, the ``width`` farthest from their root
  (ties: the lowest index) form the next row. Over trees this needs the fewest rows for the
  width, and with ``width`` >= the widest level row ``s`` is exactly level ``s + 1``. Returns
  the rows (node indices, ascending); leaves are in none.
  """
  n = children.shape[0]
  valid = children >= 0
  internal = valid.any(axis=1)
  parent = np.full(n, -1, np.int64)
  rows_, slots = np.nonzero(valid)
  parent[children[rows_, slots]] = rows_
  has_parent = parent >= 0
  # Distance to the root by pointer jumping (log2(depth) passes): ``up`` is an ancestor
  # ``depth`` steps above, -1 once past the root.
  depth, up = has_parent.astype(np.int64), parent.copy()
  while np.any(up >= 0):
    jump = up >= 0
    above = np.where(jump, up, 0)
    depth = np.where(jump, depth + depth[above], depth)
    up = np.where(jump, up[above], -1)
  # remaining[p]: internal children of p not computed yet.
  remaining = np.bincount(parent[internal & has_parent], minlength=n) if n else np.zeros(0, int)
  ready = np.nonzero(internal & (remaining == 0))[0]
  rows = []
  while ready.size:
    order = np.lexsort((ready, -depth[ready]))  # farthest from the root first, then index
    take, ready = ready[order[:width]], ready[order[width:]]
    rows.append(np.sort(take))
    parents = parent[take]
    parents = parents[parents >= 0]
    np.subtract.at(remaining, parents, 1)
    done = np.unique(parents[remaining[parents] == 0])
    ready = np.concatenate([ready, done])
  return rows


def batch_trees(trees: Sequence[Tree], *, num_nodes: int | None = None,
                num_levels: int | None = None, level_width: int | None = None,
                max_children: int | None = None, num_leaves: int | None = None) -> TreeBatch:
  """Pads ``trees`` into one :class:`TreeBatch` of NumPy arrays (``jnp.asarray`` or jit them).

  Sizes (see the module docstring): ``num_nodes`` (N) defaults to the largest tree,
  ``max_children`` (K) to the most children of any node, ``num_leaves`` (M) to ``B * N``
  (so that it depends on ``B`` and ``N`` only), ``level_width`` (W) to the widest internal
  level of the batch, ``num_levels`` (S) to the number of rows the schedule needs at width W
  (the depth of the deepest tree with the default W, more with a smaller W). Give them to fix
  shapes across batches. Raises ValueError for an empty batch, a non-:class:`Tree`, a
  ``level_width`` below 1, or a size smaller than the batch needs (``max_children`` names
  the first node with more children).
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
  missing, sink = b * n, b * n + 1

  children = np.full((b, n, k), -1, np.int32)
  tokens = np.full((b, n), -1, np.int32)
  labels = np.full((b, n), -1, np.int32)
  for i, tree in enumerate(trees):
    m, kk = tree.children.shape
    kk = min(kk, k)  # columns beyond k are empty (checked above via max_children)
    children[i, :m, :kk] = tree.children[:, :kk]
    tokens[i, :m] = tree.tokens
    labels[i, :m] = tree.labels
  offsets = (np.arange(b, dtype=np.int64) * n)[:, None, None]
  forest = np.where(children >= 0, children + offsets, -1).reshape(b * n, k)  # flat, -1 = none
  flat_children = np.concatenate([np.where(forest >= 0, forest, missing),
                                  np.full((2, k), missing, np.int64)])
  real = (np.arange(n)[None, :] < np.array([t.num_nodes for t in trees])[:, None]).reshape(-1)
  leaf_nodes = np.nonzero(real & ~(forest >= 0).any(axis=1))[0]
  m_leaves = b * n if num_leaves is None else _at_least(num_leaves, leaf_nodes.size, "num_leaves")

  if level_width is None:
    levels = node_levels(forest) if forest.size else np.zeros(0, np.int64)
    counts = np.bincount(levels[real], minlength=2)[1:]
    level_width = max(int(counts.max()), 1)
  elif isinstance(level_width, bool) or not isinstance(level_width, int) or level_width < 1:
    raise ValueError(f"level_width={level_width!r}; allowed: an int >= 1")
  rows = list_schedule(forest, level_width)
  num_l = _at_least(num_levels, len(rows), "num_levels")

  leaves = np.full(m_leaves, sink, np.int64)
  leaves[:leaf_nodes.size] = leaf_nodes
  schedule = np.full((num_l, level_width), sink, np.int64)
  for row, nodes in enumerate(rows):
    schedule[row, :nodes.size] = nodes
  return TreeBatch(
      children=children, tokens=tokens, labels=labels,
      num_nodes=np.array([t.num_nodes for t in trees], np.int32),
      leaves=leaves.astype(np.int32),
      schedule=schedule.astype(np.int32),
      schedule_children=flat_children[schedule].astype(np.int32))
