"""Recurrent language model: embedding -> stacked RNN of any cell -> softmax.

``LanguageModel(tokens [B, T] int32, initial_states, lengths, deterministic)`` returns
``(final_states, logits [B, T, V])``; ``final_states`` holds one cell state per layer
(for truncated BPTT the caller carries it to the next segment, gradient stopped).

Dropout (Zaremba et al. 2014, "Recurrent neural network regularization"): on the
non-recurrent connections only: the embedding output, the output of every layer (so
between layers and before the softmax); never on the recurrent state. With
``variational_dropout=True`` each sequence keeps one mask over all its time steps
(Gal & Ghahramani 2016: the mask is broadcast over the time axis) instead of a fresh mask
per step.

Weight tying (Press & Wolf 2017; Inan et al. 2017): the softmax weights are the
embedding matrix (``logits = h @ E^T + b``); needs ``embed_size == hidden_size``.

Parameters: ``embed/embedding [V, E]``, ``rnn/layer_{l}`` (the cell's own parameter tree,
the layout of ``rnnlab.nn.StackedRNN``, which runs the layers, so ``rnnlab.nn.stacked_params_to_list`` and the
PyTorch bridge read it), ``softmax/kernel [H, V]`` and ``softmax/bias [V]`` (only the
bias with tied weights).
"""
from typing import Any, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab import nn as rnn

LOSS_REDUCTIONS = ("mean", "sum_over_time")


def initial_states(cells: Sequence[Any], batch_size: int, block: str = "none") -> list[Any]:
  """Zero state of every layer for ``batch_size`` rows (float32 pytrees ``[B, ...]``).

  With ``block="residual"`` a layer's state is ``rnnlab.nn.ResidualBlock``'s (conv history
  and cell state), as ``LanguageModel(block="residual")`` returns and takes it.
  """
  if block == "residual":
    return [rnn.ResidualBlock(cell=cell, hidden_size=cell.hidden_size, dtype=cell.dtype)
            .initial_state(batch_size) for cell in cells]
  return [cell.initial_state((batch_size,)) for cell in cells]


def reset_states(states: Sequence[Any], reset: jax.Array) -> list[Any]:
  """Zeroes the rows of ``states`` where ``reset [B]`` (bool) is True.

  Truncated BPTT starts every epoch (and every evaluation) from the zero state; the
  rows that are not reset keep their carried state.
  """
  reset = jnp.asarray(reset, bool)

  def zero_rows(x):
    keep = jnp.logical_not(reset).reshape(reset.shape + (1,) * (x.ndim - 1))
    return jnp.where(keep, x, jnp.zeros_like(x))

  return [jax.tree.map(zero_rows, state) for state in states]


def uniform_reinit(params: Any, scale: float, *, key: jax.Array) -> Any:
  """Every parameter drawn again from U(-scale, scale) (Zaremba et al.'s initialisation)."""
  leaves, treedef = jax.tree.flatten(params)
  keys = jax.random.split(key, len(leaves))
  fresh = [jax.random.uniform(k, x.shape, x.dtype, -scale, scale)
           for k, x in zip(keys, leaves)]
  return jax.tree.unflatten(treedef, fresh)


def training_objective(nll: jax.Array, mask: jax.Array, reduction: str) -> jax.Array:
  """The scalar minimized in training from per-token NLLs ``nll [B, T]``.

  ``"mean"``: mean NLL per token (``sum(nll) / sum(mask)``). ``"sum_over_time"``: summed
  over the T steps, averaged over the B rows (``sum(nll) / B``), the scale of Zaremba et
  al.'s code and TensorFlow's PTB tutorial, for which their learning rate 1.0 was tuned.
  Positions where ``mask`` is 0 are selected away (never counted, whatever ``nll`` holds);
  compute ``nll`` with :func:`rnnlab.models.losses.token_nll` so that its gradient is safe too.
  """
  nll = jnp.where(jnp.asarray(mask) != 0, nll, 0.0)
  if reduction == "mean":
    return jnp.sum(nll) / jnp.maximum(jnp.sum(mask), 1.0)
  if reduction == "sum_over_time":
    return jnp.sum(nll) / nll.shape[0]
  raise ValueError(f"loss reduction {reduction!r}; allowed: {LOSS_REDUCTIONS}")


class LanguageModel(nn.Module):
  """Next-token model; see the module docstring.

  Attributes:
    vocab_size: V.
    cells: one cell per layer (``rnnlab.cells``), all with the same ``hidden_size`` H.
    embed_size: E (0: E = H).
    dropout_rate: Zaremba dropout rate in [0, 1).
    variational_dropout: one mask per sequence over all time steps.
    tie_weights: softmax weights = embedding matrix (E must equal H).
    loss_reduction: how training reduces per-token NLLs (:func:`training_objective`);
      not used by ``__call__``.
    unroll, remat, impl: passed to ``rnnlab.recurrence.scan``.
    block: ``rnnlab.nn.StackedRNN``'s ``block`` ("residual": each layer is a
      ``rnnlab.nn.ResidualBlock``; needs E = H).
    dtype: compute dtype of the embedding and softmax (the cells carry their own).
  """
  vocab_size: int
  cells: Sequence[Any]
  embed_size: int = 0
  dropout_rate: float = 0.0
  variational_dropout: bool = False
  tie_weights: bool = False
  loss_reduction: str = "mean"
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"
  block: str = "none"
  dtype: Any = jnp.float32

  def setup(self):
    if not self.cells:
      raise ValueError("LanguageModel needs at least one cell (layer), got none")
    if not 0.0 <= self.dropout_rate < 1.0:
      raise ValueError(f"dropout_rate={self.dropout_rate!r}; allowed: 0 <= rate < 1")
    hidden = self.cells[-1].hidden_size
    embed_size = self.embed_size or hidden
    if self.tie_weights and embed_size != hidden:
      raise ValueError(f"tie_weights=True needs embed_size == hidden_size, got embed_size="
                       f"{embed_size} and hidden_size={hidden}")
    self.embed = nn.Embed(self.vocab_size, embed_size, dtype=self.dtype,
                          embedding_init=nn.initializers.normal(stddev=1.0))
    self.rnn = rnn.StackedRNN(cells=tuple(self.cells), dropout_rate=self.dropout_rate,
                              input_dropout=True, output_dropout=True,
                              variational_dropout=self.variational_dropout, unroll=self.unroll,
                              remat=self.remat, impl=self.impl, block=self.block)
    if self.tie_weights:
      self.softmax_bias = self.param("softmax_bias", nn.initializers.zeros, (self.vocab_size,))
    else:
      self.softmax = nn.Dense(self.vocab_size, dtype=self.dtype)

  def __call__(self, tokens: jax.Array, initial_states: Sequence[Any] | None = None,
               lengths: jax.Array | None = None, deterministic: bool = True
               ) -> tuple[list[Any], jax.Array]:
    """Logits of the next token at every position.

    Args:
      tokens: int32 ``[B, T]``.
      initial_states: one state per layer (None: zeros).
      lengths: int32 ``[B]`` valid steps per row (sentence mode), or None (all T valid).
      deterministic: False in training (dropout on; needs the ``"dropout"`` rng).

    Returns:
      ``(final_states, logits)``: the state of every layer after its last valid step,
      and float32 ``[B, T, V]`` logits.
    """
    if tokens.ndim != 2:
      raise ValueError(f"tokens must be [B, T] ids, got shape {tokens.shape}")
    xs = self.embed(tokens)
    final_states, hs = self.rnn(xs, lengths, initial_states, deterministic=deterministic)
    if self.tie_weights:
      logits = self.embed.attend(hs.astype(self.dtype))
      logits = logits + self.softmax_bias.reshape((1,) * (logits.ndim - 1) + (-1,))
    else:
      logits = self.softmax(hs)
    return final_states, logits.astype(jnp.float32)
