"""Encoder-decoder translation model with optional attention (Linen over pure cells).

Encoder: source embeddings -> a stack of any registered cell (``rnnlab.nn.StackedRNN``),
bidirectional by default; memory ``[B, S, M]`` with ``M = encoder_hidden_size * (2 if
bidirectional else 1)``. Source padding is masked everywhere: in the recurrences (lengths), in
attention (mask) and in the summary vector (final states at each sequence's own length).

Decoder (one cell, ``decoder_hidden_size = H``), by ``attention``:

* ``"none"`` (Cho et al. 2014; Sutskever et al. 2014): the encoder summary ``c`` (final
  forward and backward hidden states) is the only view of the source; it initialises the
  decoder state and is fed with every input, ``s_t = cell(s_{t-1}, [E y_{t-1}; c])``, readout
  ``r_t = tanh(W_r [h_t; c; E y_{t-1}])``.
* ``"additive"`` (Bahdanau et al. 2015): the previous decoder output ``h_{t-1}`` queries the
  memory, ``c_t = attend(h_{t-1})``, ``s_t = cell(s_{t-1}, [E y_{t-1}; c_t])``,
  ``r_t = tanh(W_r [h_t; c_t; E y_{t-1}])``.
* ``"dot"`` / ``"general"`` (Luong et al. 2015): ``s_t = cell(s_{t-1}, [E y_{t-1}; r_{t-1}])``
  (input feeding; without it only ``E y_{t-1}``), then ``c_t = attend(h_t)`` and the
  attentional state ``r_t = tanh(W_r [c_t; h_t])``.

Output: ``logits_t = W_o r_t + b_o`` (``r_t [B, H]``). In every variant the initial decoder state
is ``tanh(W_init c + b)`` per state component (``c`` and ``h`` of an LSTM).

The decoder is the shared :class:`rnnlab.models.attention_decoder.AttentionDecoder` (the
captioner's and LAS's too), sharing this module's scope, so its parameters (``target_embed``,
``bridge_{i}``, ``decoder_cell``, ``attention``, ``readout``, ``output``) sit at the top of the
tree beside ``source_embed`` and the encoder's; its ``step_dtype`` is this model's ``dtype``.
Training uses teacher forcing (``__call__`` with the gold ``target_input``); decoding uses
``encode`` once and ``decode_step`` per token, which is the ``step_fn`` contract of
:mod:`rnnlab.decoding` (encoder outputs and projected attention keys are ``static``, the
decoder state ``dynamic``). Both paths run the same pure step function.
"""
from typing import Any

import functools

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab import cells as cells_lib
from rnnlab import nn as rnn
from rnnlab.models import attention_decoder

ATTENTIONS = attention_decoder.ATTENTIONS


class Seq2Seq(nn.Module):
  """Stacked (bi)RNN encoder + attentional RNN decoder. See the module docstring.

  Shapes: ``source`` int32 ``[B, S]``, ``source_length`` int32 ``[B]`` (>= 1),
  ``target_input`` int32 ``[B, T]`` (BOS-prefixed); logits ``[B, T, V]``.
  """

  source_vocab_size: int
  target_vocab_size: int
  embed_size: int = 64
  encoder_cell: str = "lstm"
  encoder_hidden_size: int = 64
  encoder_layers: int = 1
  bidirectional: bool = True
  decoder_cell: str = "lstm"
  decoder_hidden_size: int = 128
  attention: str = "additive"
  attention_size: int = 128
  input_feeding: bool = True
  dropout_rate: float = 0.0
  cell_kwargs: tuple = ()  # extra cell hyperparameters as (name, value) pairs (hashable)
  encoder_cell_kwargs: tuple = ()  # the encoder cell's own (name, value) pairs (over cell_kwargs)
  decoder_cell_kwargs: tuple = ()  # the decoder cell's own (name, value) pairs (over cell_kwargs)
  block: str = "none"  # the encoder stack's block (rnnlab.nn.BLOCKS)
  dtype: Any = jnp.float32  # compute dtype of cells, embeddings, attention, read-out, output
  param_dtype: Any = jnp.float32

  # ---- construction -------------------------------------------------------------

  @property
  def memory_size(self) -> int:
    return self.encoder_hidden_size * (2 if self.bidirectional else 1)

  def setup(self):
    if self.attention not in ATTENTIONS:
      raise ValueError(f"attention={self.attention!r}; allowed: {ATTENTIONS}")
    if self.attention == "dot" and self.memory_size != self.decoder_hidden_size:
      raise ValueError(
          f"dot attention needs decoder_hidden_size == encoder memory size; got "
          f"{self.decoder_hidden_size} and {self.memory_size} (= encoder_hidden_size "
          f"{self.encoder_hidden_size} x {2 if self.bidirectional else 1}); use 'general'")
    if self.encoder_layers < 1:
      raise ValueError(f"encoder_layers={self.encoder_layers!r}; allowed: an int >= 1")
    if not 0.0 <= self.dropout_rate < 1.0:
      raise ValueError(f"dropout_rate={self.dropout_rate!r}; allowed: 0 <= rate < 1")
    common = dict(dtype=self.dtype, param_dtype=self.param_dtype, **dict(self.cell_kwargs or {}))
    encoder_kwargs = {**common, **dict(self.encoder_cell_kwargs or {})}
    decoder_kwargs = {**common, **dict(self.decoder_cell_kwargs or {})}
    enc_cells = tuple(cells_lib.make_cell(self.encoder_cell, hidden_size=self.encoder_hidden_size,
                                          **encoder_kwargs) for _ in range(self.encoder_layers))
    dec_cell = cells_lib.make_cell(self.decoder_cell, hidden_size=self.decoder_hidden_size,
                                   **decoder_kwargs)
    self.source_embed = nn.Embed(self.source_vocab_size, self.embed_size, dtype=self.dtype,
                                 param_dtype=self.param_dtype, name="source_embed")
    self.encoder = rnn.StackedRNN(cells=enc_cells, bidirectional=self.bidirectional,
                                  dropout_rate=self.dropout_rate, block=self.block,
                                  name="encoder")
    self.decoder = attention_decoder.AttentionDecoder(
        vocab_size=self.target_vocab_size, cell=dec_cell, memory_size=self.memory_size,
        embed_size=self.embed_size, attention=self.attention, attention_size=self.attention_size,
        input_feeding=self.input_feeding, feed_context=True, dropout_rate=self.dropout_rate,
        dtype=self.dtype, step_dtype=self.dtype, param_dtype=self.param_dtype)
    nn.share_scope(self, self.decoder)

  # ---- encoder ------------------------------------------------------------------

  def encode(self, source: jax.Array, source_length: jax.Array,
             deterministic: bool = True) -> tuple[dict, Any]:
    """Returns ``(static, initial_carry)`` for decoding.

    ``static``: ``memory [B, S, M]``, ``keys [B, S, K]`` (attention keys already projected),
    ``mask [B, S]`` (bool), ``summary [B, M]``. ``initial_carry``: ``(cell_state, feed [B, H])``.
    """
    # The decoder's dropout (same rate) for the source embeddings too: one module "dropout"
    # in the shared scope, as the decoder's own copy of this model had.
    emb = self.decoder.dropout(self.source_embed(source), deterministic=deterministic)
    final_states, memory = self.encoder(emb, lengths=source_length, deterministic=deterministic)
    top = final_states[-1]
    cell = self.encoder.cells[-1]
    if self.bidirectional:
      summary = jnp.concatenate([cell.output(top[0]), cell.output(top[1])], axis=-1)
    else:
      summary = cell.output(top)
    mask = jnp.arange(source.shape[1])[None, :] < source_length[:, None]
    return self.decoder.prepare(memory.astype(self.dtype), mask, summary)

  # ---- decoder ------------------------------------------------------------------

  def decode_step(self, static: dict, carry: Any, tokens: jax.Array):
    """``tokens [B]`` -> ``(log_probs [B, V], carry, attention weights [B, S])``."""
    return self.decoder.decode_step(static, carry, tokens)

  def __call__(self, source: jax.Array, source_length: jax.Array, target_input: jax.Array,
               deterministic: bool = True) -> tuple[jax.Array, jax.Array]:
    """Teacher forcing: ``(logits [B, T, V], attention weights [B, T, S])``."""
    static, carry = self.encode(source, source_length, deterministic)
    return self.decoder(static, carry, target_input, deterministic=deterministic)


@functools.lru_cache(maxsize=None)
def decoder_functions(model: Seq2Seq):
  """``(encode_fn, step_fn)`` for :mod:`rnnlab.decoding`, one pair per model (cached).

  ``encode_fn(params, source, source_length) -> (static, carry)`` is jitted;
  ``step_fn(params, static, carry, tokens) -> (log_probs, carry, weights)`` is the decoding
  step contract. Reusing the same function objects lets the jitted searches reuse their
  compilation.
  """

  @jax.jit
  def encode_fn(params, source, source_length):
    return model.apply({"params": params}, source, source_length, method=Seq2Seq.encode)

  def step_fn(params, static, carry, tokens):
    return model.apply({"params": params}, static, carry, tokens, method=Seq2Seq.decode_step)

  return encode_fn, step_fn
