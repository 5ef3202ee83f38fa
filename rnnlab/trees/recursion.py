"""Running a tree network over a batch of trees: all leaves at once, then one ``lax.scan`` over levels.

A tree network has the cell conventions of :mod:`rnnlab.cells` (frozen dataclass of
hyperparameters, ``init(key, input_size)``, ``initial_state(batch_shape)``,
``project(params, xs)``, ``output(state)``; float32 state) with ``node`` in place of
``step``::

    state = net.node(params, gx [W, G], child_states (pytree of [W, K, H]), child_mask [W, K])
    state = net.leaf(params, gx [W, G])        # optional: node() without children, cheaper

which computes ``W`` nodes from their projected inputs and their children's states. A
missing child (``child_mask`` False) has the zero state. :func:`propagate` projects the
inputs of all nodes in one matmul (outside the loop, as ``recurrence.scan`` does), computes
every leaf of the batch at once (``net.leaf``, or ``node`` without children), then runs one ``lax.scan`` over
the rows of the batch's schedule (:mod:`rnnlab.trees.tree_arrays`; by default one row per
level); each step gathers the children of the row's nodes in every tree, calls ``node`` once,
and writes the new states back, so a batch of trees of different shapes runs as one
jit-compiled program whose work and memory are ``O(M + S * W)`` nodes (leaves + schedule),
not levels x the widest level.

Padding: inputs at padding nodes are replaced by zeros before anything is computed (with
``jnp.where``, so NaN there reaches neither outputs nor gradients), and outputs and states
at padding nodes are zero.
"""
from typing import Any

import jax
import jax.numpy as jnp

from rnnlab.trees.tree_arrays import TreeBatch


def propagate(net: Any, params: Any, trees: TreeBatch, xs: jax.Array) -> tuple[Any, jax.Array]:
  """Runs ``net`` bottom-up over ``trees``.

  Args:
    net: a tree network (``RecursiveNN``, ``ChildSumTreeLSTM``, ``NaryTreeLSTM``, your own).
    params: its parameters.
    trees: a :class:`TreeBatch` (``N`` nodes per tree, ``K`` child slots).
    xs: node inputs ``[B, N, D]`` (e.g. token embeddings; zeros where a node has no token).

  Returns:
    ``(states, hs)``: every node's state (a pytree of ``[B, N, H]``; for a Tree-LSTM
    ``(c, h)``) and its output ``hs [B, N, H]``; zero at padding nodes. The root of tree
    ``b`` is node ``trees.roots[b]`` (see :func:`root_outputs`).

  Raises:
    ValueError: if ``xs`` is not ``[B, N, D]`` for this batch, or ``net`` rejects ``K``.
  """
  b, n = trees.tokens.shape
  if getattr(xs, "ndim", None) != 3 or xs.shape[:2] != (b, n):
    raise ValueError(f"xs must have shape [B, N, D] = [{b}, {n}, D] for this tree batch; got "
                     f"shape {getattr(xs, 'shape', None)}")
  check = getattr(net, "check_children", None)
  if check is not None:
    check(trees)
  xs = jnp.where(trees.node_mask[..., None], xs, jnp.zeros((), xs.dtype))
  gx = net.project(params, xs)
  gx = gx.reshape(b * n, gx.shape[-1])
  gx = jnp.concatenate([gx, jnp.zeros((2, gx.shape[-1]), gx.dtype)])  # MISSING, SINK rows
  missing = b * n

  def compute(state, nodes, gx_nodes, children):
    new = net.node(params, gx_nodes, jax.tree.map(lambda s: s[children], state),
                   children < missing)
    return jax.tree.map(lambda s, v: s.at[nodes].set(v.astype(s.dtype)), state, new)

  state0 = net.initial_state((b * n + 2,))
  leaves = jnp.asarray(trees.leaves)
  leaf = getattr(net, "leaf", None)
  if leaf is None:  # a network without ``leaf``: ``node`` with all children missing
    k = trees.schedule_children.shape[-1]
    state = compute(state0, leaves, gx[leaves], jnp.full((leaves.shape[0], k), missing, jnp.int32))
  else:
    state = jax.tree.map(lambda s, v: s.at[leaves].set(v.astype(s.dtype)), state0,
                         leaf(params, gx[leaves]))

  def level(state, inputs):
    nodes, gx_nodes, children = inputs  # [W], [W, G], [W, K]
    return compute(state, nodes, gx_nodes, children), None

  # The inputs of every row are gathered before the loop, so that their gradient is a stacked
  # output of the backward loop instead of a [B * N, G] array updated at every step.
  schedule = jnp.asarray(trees.schedule)
  state, _ = jax.lax.scan(level, state,
                          (schedule, gx[schedule], jnp.asarray(trees.schedule_children)))
  states = jax.tree.map(lambda s: s[:b * n].reshape(b, n, s.shape[-1]), state)
  return states, net.output(states)


def root_outputs(trees: TreeBatch, hs: jax.Array) -> jax.Array:
  """The root output of every tree: ``hs [B, N, H]`` -> ``[B, H]``."""
  roots = jnp.asarray(trees.roots)
  return jnp.take_along_axis(hs, roots[:, None, None], axis=1)[:, 0]
