"""What the tree networks share: the cell base (validation, dtypes, initialisers) and arity checks.

A tree network is a :class:`rnnlab.cells.RecurrentCell` (same hyperparameters, ``init``,
``initial_state``, ``project``, ``output``, float32 state) whose ``node`` computes a node
from its children (see :mod:`rnnlab.trees.recursion`); it has no ``step`` and is run by
:func:`rnnlab.trees.propagate`, not by ``recurrence.scan``.
"""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from rnnlab.cells.base import RecurrentCell
from rnnlab.trees.tree_arrays import TreeBatch


@dataclasses.dataclass(frozen=True)
class TreeCell(RecurrentCell):
  """Base of the tree networks. Subclasses define ``node`` and may set ``max_arity``."""

  @property
  def max_arity(self) -> int | None:
    """The most children a node may have (None: any number)."""
    return None

  def step(self, params, state, gx_t):
    raise NotImplementedError(f"{type(self).__name__} is a tree network: run it with "
                              "rnnlab.trees.propagate, not over time")

  def node(self, params, gx, child_states, child_mask):
    raise NotImplementedError

  def leaf(self, params, gx):
    """A node without children, ``gx [W, G]`` -> state ``[W, H]``: ``node`` with one missing
    child. Subclasses override it to skip the matmul of the (zero) child states."""
    zeros = jax.tree.map(lambda s: s[:, None], self.initial_state((gx.shape[0],)))
    return self.node(params, gx, zeros, jnp.zeros((gx.shape[0], 1), bool))

  def check_children(self, trees: TreeBatch) -> None:
    """Raises ValueError if ``trees`` has more child slots than ``max_arity``; with concrete
    arrays the message names the first tree and node with too many children."""
    arity, k = self.max_arity, trees.children.shape[-1]
    if arity is None or k <= arity:
      return
    name = type(self).__name__
    if not isinstance(trees.children, jax.core.Tracer):
      counts = (np.asarray(trees.children) >= 0).sum(axis=-1)
      bad = np.argwhere(counts > arity)
      if bad.size:
        b, n = bad[0]
        raise ValueError(f"{name}: tree {b} node {n} has {counts[b, n]} children; allowed: at "
                         f"most {arity}")
    raise ValueError(f"{name}: the tree batch has {k} child slots; allowed: at most {arity} "
                     f"(batch the trees with max_children={arity})")

  def pad_children(self, child_states, child_mask, arity: int):
    """Pads the child axis of ``child_states [W, K, H]`` / ``child_mask [W, K]`` to ``arity``
    with missing (zero) children."""
    k = child_mask.shape[-1]
    if k == arity:
      return child_states, child_mask
    pad = lambda s: jnp.pad(s, ((0, 0), (0, arity - k), (0, 0)))
    return (jax.tree.map(pad, child_states),
            jnp.pad(child_mask, ((0, 0), (0, arity - k))))

  def matmul(self, h: jax.Array, w: jax.Array) -> jax.Array:
    """``h @ w`` in the compute dtype, returned in ``state_dtype``."""
    return (h.astype(self.dtype) @ w.astype(self.dtype)).astype(self.state_dtype)
