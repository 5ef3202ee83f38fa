"""Many-to-one classifiers: a sequence of token ids, or a tree, -> class logits.

* :class:`TextClassifier` (seed 002, "sentence-level classification"): embeddings ->
  dropout -> a stacked, optionally bidirectional RNN of any cells (the shared
  :class:`rnnlab.nn.StackedRNN`; dropout between layers and on its output) -> pooling over
  time (:mod:`rnnlab.nn.pooling`: last, mean, max, attention) -> a linear layer to the class
  logits (the softmax is in the loss).
* :class:`TreeClassifier` (Tai et al. 2015, sec. 4.1): embeddings -> a tree network over
  the given bracket structure (:class:`rnnlab.nn.TreeEncoder`) -> the root's hidden state
  -> a linear layer to the class logits.

Logits are float32 whatever the compute ``dtype``.
"""
from typing import Any, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab import nn as rnn
from rnnlab import trees as trees_lib
from rnnlab.nn import pooling


class TextClassifier(nn.Module):
  """``__call__(tokens int [B, T], lengths [B], deterministic) -> (logits [B, C], weights)``.

  ``weights`` are the attention-pooling weights ``[B, T]`` (``pooling="attention"``), else
  None. Steps ``t >= lengths[b]`` are padding: they reach neither logits nor gradients.

  Attributes:
    vocab_size, num_classes: V and C.
    cells: one cell per layer.
    embed_size: E.
    bidirectional: every layer bidirectional (outputs ``[forward | backward]``).
    pooling: ``rnnlab.nn.pooling.METHODS``.
    attention_size: size of the attention pooling's hidden layer and query.
    dropout_rate: on the embeddings, between layers and on the pooled vector.
    block, unroll, remat, impl: passed to :class:`rnnlab.nn.StackedRNN`.
    dtype: compute dtype of the embeddings and the output layer (the cells carry their own).
  """

  vocab_size: int
  num_classes: int
  cells: Sequence[Any]
  embed_size: int = 128
  bidirectional: bool = False
  pooling: str = "last"
  attention_size: int = 64
  dropout_rate: float = 0.0
  block: str = "none"
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, tokens: jax.Array, lengths: jax.Array, deterministic: bool = True):
    if self.pooling not in pooling.METHODS:
      raise ValueError(f"pooling={self.pooling!r}; allowed: {pooling.METHODS}")
    xs = nn.Embed(self.vocab_size, self.embed_size, dtype=self.dtype, name="embed")(tokens)
    _, ys = rnn.StackedRNN(cells=self.cells, bidirectional=self.bidirectional,
                           dropout_rate=self.dropout_rate, input_dropout=True,
                           output_dropout=True, block=self.block, unroll=self.unroll,
                           remat=self.remat, impl=self.impl, name="encoder")(
                               xs, lengths=lengths, deterministic=deterministic)
    pooled, weights = rnn.Pooling(method=self.pooling, attention_size=self.attention_size,
                                  bidirectional=self.bidirectional, name="pooling")(ys, lengths)
    logits = nn.Dense(self.num_classes, dtype=self.dtype, name="output")(pooled)
    return logits.astype(jnp.float32), weights


class TreeClassifier(nn.Module):
  """``__call__(trees: rnnlab.trees.TreeBatch) -> logits [B, C]`` from each tree's root.

  Attributes:
    network: a tree network (``rnnlab.trees.NaryTreeLSTM``, ``ChildSumTreeLSTM``, ...).
    vocab_size, num_classes: V and C.
    embed_size: E (default: the network's hidden size).
    dtype: compute dtype of the output layer.
  """

  network: Any
  vocab_size: int
  num_classes: int
  embed_size: int | None = None
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, trees: trees_lib.TreeBatch):
    _, roots = rnn.TreeEncoder(network=self.network, vocab_size=self.vocab_size,
                               embed_dim=self.embed_size, name="encoder")(trees)
    logits = nn.Dense(self.num_classes, dtype=self.dtype, name="output")(roots)
    return logits.astype(jnp.float32)
