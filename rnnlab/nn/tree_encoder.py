"""Flax Linen wrapper over the pure tree networks: embeddings -> tree network -> node and root outputs.

Lives in ``rnnlab.nn`` (not ``rnnlab.trees``) for the same reason ``RNN`` does: the maths
stays framework-free in :mod:`rnnlab.trees`, and this module only wires parameters. The
network's params are created by its own ``init`` (``{"embed": {"embedding": [V, E]},
"network": {...}}``), so they are an ordinary Flax tree.
"""
from typing import Any

import flax.linen as nn
import jax.numpy as jnp

from rnnlab import trees as trees_lib


class TreeEncoder(nn.Module):
  """Embeds node tokens and runs a tree network over a :class:`rnnlab.trees.TreeBatch`.

  ``__call__(trees) -> (node_outputs [B, N, H], root_outputs [B, H])``. A node with token
  ``-1`` (an internal node of a constituency tree, a padding node) gets a zero input; padding
  nodes output zeros. Put a softmax on ``root_outputs`` for one label per tree (ListOps) or
  on ``node_outputs`` for a label at every node (SST, with ``trees.labels`` and
  ``trees.node_mask``).

  Attributes:
    network: a tree network (``RecursiveNN``, ``ChildSumTreeLSTM``, ``NaryTreeLSTM``, ...).
    vocab_size: number of token ids.
    embed_dim: embedding size E; defaults to the network's ``hidden_size`` (which
      ``RecursiveNN`` requires: its leaves are the embeddings).
  """

  network: Any
  vocab_size: int
  embed_dim: int | None = None

  @nn.compact
  def __call__(self, trees: trees_lib.TreeBatch):
    embed_dim = self.embed_dim or self.network.hidden_size
    embed = nn.Embed(self.vocab_size, embed_dim, dtype=self.network.dtype,
                     param_dtype=self.network.param_dtype, name="embed")
    tokens = jnp.asarray(trees.tokens)
    xs = embed(jnp.maximum(tokens, 0))
    xs = jnp.where((tokens >= 0)[..., None], xs, jnp.zeros((), xs.dtype))
    params = self.param("network", lambda key: self.network.init(key, embed_dim))
    _, hs = trees_lib.propagate(self.network, params, trees, xs)
    return hs, trees_lib.root_outputs(trees, hs)
