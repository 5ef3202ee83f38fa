"""``StackedRNN``: the one stacked recurrent layer every model uses.

Language model, CTC encoder, seq2seq encoder and the synthetic tasks' model all run their
recurrent layers through this module; the maths of each layer is the pure
``rnnlab.recurrence`` code (``scan`` / ``bidirectional``, the functions
``recurrence.stack`` composes). Between layers the module adds what a pure stack cannot
hold: Flax dropout (rng stream ``"dropout"``), pyramidal frame stacking and blocks.

Layer ``l`` (0-based) of a stack of ``L``:

1. frame stacking: with ``reduction_factors[l] = k > 1``, ``k`` consecutive steps are
   concatenated (Listen, Attend and Spell's pyramidal encoder; ``T -> ceil(T / k)``,
   lengths likewise, :func:`reduced_lengths`);
2. dropout on its input: the stack's input if ``input_dropout`` (Zaremba et al. 2014 drop
   the embeddings), the previous layer's output otherwise (always, between layers);
3. the recurrence: forward, or bidirectional with concatenated outputs ``[B, T, 2H]``;
4. the residual connection (``residual=True``, from the second layer on, sizes must match:
   ``ys + layer input``). With ``block="residual"`` step 3 is ``rnnlab.nn.ResidualBlock``
   (its own norms, causal conv, residuals and gated MLP; forward only; its state is
   ``{"conv", "cell"}``), under ``layer_{l}``.

After the last layer: dropout on the output if ``output_dropout`` (Zaremba: before the
softmax; the CTC encoder: before the output layer). Dropout is never applied to the
recurrent state. ``variational_dropout=True`` draws one mask per sequence and feature,
shared by all time steps (Gal & Ghahramani 2016).

Parameters: ``layer_{l}`` holds what ``recurrence.stack`` takes for that layer: the cell's
own tree (``w_x``, ``w_h``, ...), or ``{"forward": ..., "backward": ...}`` when
bidirectional; :func:`stacked_params_to_list` reads them in layer order.

Dropout masks come from Flax ``nn.Dropout`` submodules named ``Dropout_0``, ``Dropout_1``,
... in the order they are applied, so the LM and CTC models keep their former masks; the
parameters of the LM, the seq2seq encoder and the synthetic tasks' model keep their former
initial values (the CTC model's are drawn afresh: its layers were separate modules).
"""
from typing import Any, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab import recurrence
from rnnlab.features import frame_stacking
from rnnlab.nn import residual_block

# What each layer is: "none" = a plain recurrent layer; "residual" = rnnlab.nn.ResidualBlock
# (Griffin/Hawk: RMSNorm -> causal conv -> recurrence -> residual; RMSNorm -> gated MLP ->
# residual), forward only, input width = hidden size. A new block is added here by name.
BLOCKS = ("none", "residual")


def reduced_lengths(lengths: jax.Array, reduction_factors: Sequence[int]) -> jax.Array:
  """Valid lengths after the stack's frame stacking: ``ceil`` by each factor in turn."""
  lengths = jnp.asarray(lengths, jnp.int32)
  for factor in reduction_factors:
    lengths = frame_stacking.stacked_lengths(lengths, factor)
  return lengths


class StackedRNN(nn.Module):
  """A deep, optionally bidirectional / residual / pyramidal RNN of any cells.

  ``__call__(xs [B, T, D], lengths [B] | None, initial_states, deterministic)`` returns
  ``(final_states, ys)``: a list with every layer's final state (a ``(forward, backward)``
  pair per bidirectional layer; at each sequence's last valid step) and the last layer's
  outputs ``[B, T', H]`` (``2H`` if bidirectional; ``T' = T`` unless ``reduction_factors``,
  see :func:`reduced_lengths`; zero at padded steps).

  Attributes:
    cells: one cell per layer (``rnnlab.cells``; their ``dtype`` is the compute dtype).
    bidirectional: every layer bidirectional, outputs concatenated.
    residual: add each layer's input to its output from the second layer on.
    dropout_rate: dropout rate in [0, 1) between layers (and where enabled below).
    input_dropout: also drop the stack's input.
    output_dropout: also drop the last layer's output.
    variational_dropout: one mask per sequence over all time steps.
    reduction_factors: per layer, steps concatenated before it; () = no reduction.
    block: ``BLOCKS``; "none" = plain recurrent layers.
    unroll, remat, impl: passed to ``rnnlab.recurrence.scan``.

  Raises:
    ValueError: a bad rate, factor count, block name, initial-state count or a residual
      connection between layers of different sizes.
  """

  cells: Sequence[Any]
  bidirectional: bool = False
  residual: bool = False
  dropout_rate: float = 0.0
  input_dropout: bool = False
  output_dropout: bool = False
  variational_dropout: bool = False
  reduction_factors: Sequence[int] = ()
  block: str = "none"
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"

  def _check(self, initial_states) -> tuple[int, ...]:
    if not self.cells:
      raise ValueError("StackedRNN needs at least one cell (layer), got none")
    if not 0.0 <= self.dropout_rate < 1.0:
      raise ValueError(f"dropout_rate={self.dropout_rate!r}; allowed: 0 <= rate < 1")
    if self.block not in BLOCKS:
      raise ValueError(f"block={self.block!r}; allowed: {BLOCKS}")
    factors = tuple(self.reduction_factors) or (1,) * len(self.cells)
    if len(factors) != len(self.cells):
      raise ValueError(f"reduction_factors {factors} needs one entry per layer "
                       f"({len(self.cells)} layers).")
    if min(factors) < 1:
      raise ValueError(f"reduction_factors {factors}; allowed: ints >= 1")
    if initial_states is not None and len(initial_states) != len(self.cells):
      raise ValueError(f"initial_states has {len(initial_states)} entries for "
                       f"{len(self.cells)} layers")
    return factors

  def _dropout(self, xs, deterministic):
    broadcast_dims = (1,) if self.variational_dropout else ()
    return nn.Dropout(self.dropout_rate, broadcast_dims=broadcast_dims)(
        xs, deterministic=deterministic)

  @nn.compact
  def __call__(self, xs, lengths=None, initial_states=None, deterministic=True):
    factors = self._check(initial_states)
    scan_kwargs = dict(unroll=self.unroll, remat=self.remat, impl=self.impl)
    h = self._dropout(xs, deterministic) if self.input_dropout else xs
    final_states = []
    for layer, (cell, factor) in enumerate(zip(self.cells, factors)):
      if factor > 1:
        if lengths is None:
          lengths = jnp.full((h.shape[0],), h.shape[1], jnp.int32)
        h, lengths = frame_stacking.stack_frames(h, lengths, factor)
      if layer > 0:
        h = self._dropout(h, deterministic)
      init = None if initial_states is None else initial_states[layer]
      if self.block == "residual":
        if self.bidirectional:
          raise ValueError("block='residual' runs forward only; allowed with it: "
                           "bidirectional=False")
        if h.shape[-1] != cell.hidden_size:
          raise ValueError(f"block='residual' keeps the width: layer {layer} reads "
                           f"{h.shape[-1]} features but hidden_size is {cell.hidden_size}; "
                           "make them equal (e.g. embed_size = hidden_size) or use block='none'")
        state, ys = residual_block.ResidualBlock(
            cell=cell, hidden_size=cell.hidden_size, dtype=cell.dtype, name=f"layer_{layer}",
            **scan_kwargs)(h, lengths, init)
      elif self.bidirectional:
        def init_both(key, c=cell, s=h.shape[-1]):
          # Two keys drawn in order (forward, backward): the initial values of the former
          # ``layer_{l}_forward`` / ``layer_{l}_backward`` params, in the nested layout.
          # (Flax also calls this under eval_shape in apply, to check shapes: no rng there.)
          backward_key = self.make_rng("params") if self.is_initializing() else key
          return {"forward": c.init(key, s), "backward": c.init(backward_key, s)}
        params = self.param(f"layer_{layer}", init_both)
        state, ys = recurrence.bidirectional(cell, cell, params, h, lengths=lengths,
                                             merge="concat", initial_states=init, **scan_kwargs)
      else:
        params = self.param(f"layer_{layer}", lambda key, c=cell, s=h.shape[-1]: c.init(key, s))
        state, ys = recurrence.scan(cell, params, h, lengths=lengths, initial_state=init,
                                    **scan_kwargs)
      if self.residual and layer > 0:
        if ys.shape != h.shape:
          raise ValueError(f"residual connection at layer {layer}: input shape {h.shape} != "
                           f"output shape {ys.shape}; use equal hidden sizes or residual=False")
        ys = ys + h.astype(ys.dtype)
      final_states.append(state)
      h = ys
    if self.output_dropout:
      h = self._dropout(h, deterministic)
    return final_states, h


def stacked_params_to_list(variables: dict, num_layers: int, bidirectional: bool = False
                           ) -> list:
  """The per-layer param trees of a ``StackedRNN``'s ``params``, as ``recurrence.stack`` takes them.

  ``bidirectional`` is accepted for symmetry with the bridge: the layout is the same
  (``layer_{l}`` holds ``{"forward", "backward"}`` for a bidirectional layer).
  """
  del bidirectional
  params = variables.get("params", variables)
  return [params[f"layer_{i}"] for i in range(num_layers)]
