"""Trees and networks shared by the tree tests."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from rnnlab import trees
from tests.trees import oracles

HIDDEN = 5
# Binary trees of different shapes: balanced, right-branching, a single leaf, a unary node.
BINARY = [((1, 2), 3), (4, (5, (6, 7))), 8, (((1, 2), (3, 4)), ((5, 6), 7)), ((9,), 2)]
# Any branching (Child-Sum): wide nodes too.
GENERAL = BINARY + [(1, 2, 3, 4), ((1, 2, 3), (4,), 5, (6, 7))]

NETWORKS = {
    "recursive_nn": (trees.RecursiveNN(HIDDEN), oracles.recursive_nn, BINARY),
    "child_sum": (trees.ChildSumTreeLSTM(HIDDEN), oracles.child_sum, GENERAL),
    "binary": (trees.NaryTreeLSTM(HIDDEN), functools.partial(oracles.nary, arity=2), BINARY),
    "ternary": (trees.NaryTreeLSTM(HIDDEN, arity=3), functools.partial(oracles.nary, arity=3),
                BINARY + [(1, 2, 3), ((1, 2, 3), 4)]),
}


def randomized_params(net, key, input_size=HIDDEN, scale=0.5):
  """Params with every leaf perturbed (biases too), so every term is exercised (one jit)."""

  @jax.jit
  def make(key):
    params = net.init(key, input_size)
    leaves, treedef = jax.tree.flatten(params)
    keys = jax.random.split(jax.random.fold_in(key, 1), len(leaves))
    return jax.tree.unflatten(
        treedef, [leaf + scale * jax.random.normal(k, leaf.shape, leaf.dtype)
                  for k, leaf in zip(keys, leaves)])

  return make(key)


@functools.lru_cache(maxsize=None)
def setup(name):
  """(net, oracle, trees, batch, params, xs) for ``NETWORKS[name]``, built once per process."""
  net, oracle, nested = NETWORKS[name]
  tree_list = [trees.from_nested(t) for t in nested]
  batch = trees.batch_trees(tree_list)
  key = jax.random.key(0)
  params = randomized_params(net, key)
  xs = node_inputs(7, batch)
  return net, oracle, tree_list, batch, params, xs


def node_inputs(seed: int, batch: trees.TreeBatch, size=HIDDEN):
  """``[B, N, D]`` random node inputs (zeros nowhere: internal nodes get inputs too)."""
  b, n = batch.tokens.shape
  return jnp.asarray(np.random.default_rng(seed).standard_normal((b, n, size)), jnp.float32)


def hidden(state):
  return state[1] if isinstance(state, tuple) else state


def oracle_outputs(oracle, params, tree: trees.Tree, xs, xp=np):
  """The oracle's ``h`` of every node of one tree, ``[n, H]``."""
  if xp is np:
    params = oracles.to_numpy64(params)
    xs = np.asarray(xs, np.float64)
  out = oracle(xp, params, tree.children, xs)
  return xp.stack([hidden(out[j]) for j in range(tree.num_nodes)])
