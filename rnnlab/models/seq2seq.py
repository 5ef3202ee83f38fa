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
from rnnlab.nn import attention as attention_lib

ATTENTIONS = ("none", "additive", "dot", "general")


def _dense_init(key, fan_in: int, fan_out: int, dtype) -> dict:
  return {"w": nn.initializers.lecun_normal()(key, (fan_in, fan_out), dtype),
          "b": jnp.zeros((fan_out,), dtype)}


def _dense(params: dict, x: jax.Array, dtype) -> jax.Array:
  """``x @ w + b`` in the compute ``dtype``."""
  b = params["b"].astype(dtype)
  return x.astype(dtype) @ params["w"].astype(dtype) + b.reshape((1,) * (x.ndim - 1) + b.shape)


def _cast(params: Any, dtype) -> Any:
  return jax.tree.map(lambda p: p.astype(dtype), params)


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

  @property
  def uses_attention(self) -> bool:
    return self.attention != "none"

  def _decoder_input_size(self) -> int:
    if self.attention in ("none", "additive"):
      return self.embed_size + self.memory_size
    return self.embed_size + (self.decoder_hidden_size if self.input_feeding else 0)

  def _readout_input_size(self) -> int:
    if self.attention in ("none", "additive"):
      return self.decoder_hidden_size + self.memory_size + self.embed_size
    return self.memory_size + self.decoder_hidden_size

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
    self.dec_cell = cells_lib.make_cell(self.decoder_cell, hidden_size=self.decoder_hidden_size,
                                        **decoder_kwargs)
    self.source_embed = nn.Embed(self.source_vocab_size, self.embed_size, dtype=self.dtype,
                                 param_dtype=self.param_dtype, name="source_embed")
    self.target_embed = nn.Embed(self.target_vocab_size, self.embed_size, dtype=self.dtype,
                                 param_dtype=self.param_dtype, name="target_embed")
    self.encoder = rnn.StackedRNN(cells=enc_cells, bidirectional=self.bidirectional,
                                  dropout_rate=self.dropout_rate, block=self.block,
                                  name="encoder")
    state_leaves = jax.tree.leaves(jax.eval_shape(lambda: self.dec_cell.initial_state((1,))))
    self.bridge = [nn.Dense(leaf.shape[-1], dtype=self.dtype, param_dtype=self.param_dtype,
                            name=f"bridge_{i}") for i, leaf in enumerate(state_leaves)]
    self.decoder_params = self.param(
        "decoder_cell", lambda k: self.dec_cell.init(k, self._decoder_input_size()))
    self.attention_params = self.param(
        "attention", lambda k: attention_lib.init_attention(
            self.attention, k, self.decoder_hidden_size, self.memory_size, self.attention_size,
            self.param_dtype) if self.uses_attention else {})
    self.readout_params = self.param("readout", lambda k: _dense_init(
        k, self._readout_input_size(), self.decoder_hidden_size, self.param_dtype))
    self.output_params = self.param("output", lambda k: _dense_init(
        k, self.decoder_hidden_size, self.target_vocab_size, self.param_dtype))
    self.dropout = nn.Dropout(self.dropout_rate)

  # ---- encoder ------------------------------------------------------------------

  def encode(self, source: jax.Array, source_length: jax.Array,
             deterministic: bool = True) -> tuple[dict, Any]:
    """Returns ``(static, initial_carry)`` for decoding.

    ``static``: ``memory [B, S, M]``, ``keys [B, S, K]`` (attention keys already projected),
    ``mask [B, S]`` (bool), ``summary [B, M]``. ``initial_carry``: ``(cell_state, feed [B, H])``.
    """
    emb = self.dropout(self.source_embed(source), deterministic=deterministic)
    final_states, memory = self.encoder(emb, lengths=source_length, deterministic=deterministic)
    top = final_states[-1]
    cell = self.encoder.cells[-1]
    if self.bidirectional:
      summary = jnp.concatenate([cell.output(top[0]), cell.output(top[1])], axis=-1)
    else:
      summary = cell.output(top)
    mask = jnp.arange(source.shape[1])[None, :] < source_length[:, None]
    memory = memory.astype(self.dtype)
    keys = (attention_lib.project_keys(self.attention, _cast(self.attention_params, self.dtype),
                                       memory, mask)
            if self.uses_attention else memory[:, :, :0])
    static = {"memory": memory, "keys": keys, "mask": mask, "summary": summary}
    template = self.dec_cell.initial_state((source.shape[0],))
    leaves, treedef = jax.tree.flatten(template)
    state = jax.tree.unflatten(treedef, [
        jnp.tanh(dense(summary)).astype(leaf.dtype) for dense, leaf in zip(self.bridge, leaves)])
    feed = jnp.zeros((source.shape[0], self.decoder_hidden_size), jnp.float32)
    return static, (state, feed)

  # ---- decoder ------------------------------------------------------------------

  def _step(self, static: dict, carry: Any, emb: jax.Array):
    """One decoder step on the embedded previous token ``emb [B, E]``.

    Returns ``(carry, readout [B, H], attention weights [B, S])``; pure in the params.
    """
    state, feed = carry
    cell = self.dec_cell
    mask = static["mask"]
    attention_params = _cast(self.attention_params, self.dtype)
    emb = emb.astype(self.dtype)
    if self.attention == "none":
      context = static["summary"]
      state, h = cell(self.decoder_params, state, jnp.concatenate([emb, context], axis=-1))
      readout = jnp.tanh(_dense(self.readout_params, jnp.concatenate([h, context, emb], -1),
                                self.dtype))
      weights = jnp.zeros(mask.shape, jnp.float32)
    elif self.attention == "additive":
      context, weights = attention_lib.attend(
          "additive", attention_params, cell.output(state).astype(self.dtype), static["keys"],
          static["memory"], mask)
      state, h = cell(self.decoder_params, state, jnp.concatenate([emb, context], axis=-1))
      readout = jnp.tanh(_dense(self.readout_params, jnp.concatenate([h, context, emb], -1),
                                self.dtype))
    else:
      x = jnp.concatenate([emb, feed.astype(emb.dtype)], -1) if self.input_feeding else emb
      state, h = cell(self.decoder_params, state, x)
      context, weights = attention_lib.attend(
          self.attention, attention_params, h.astype(self.dtype), static["keys"],
          static["memory"], mask)
      readout = jnp.tanh(_dense(self.readout_params, jnp.concatenate([context, h], -1),
                                self.dtype))
    return (state, readout.astype(jnp.float32)), readout, weights

  def decode_step(self, static: dict, carry: Any, tokens: jax.Array):
    """``tokens [B]`` -> ``(log_probs [B, V], carry, attention weights [B, S])``."""
    emb = self.target_embed(tokens)
    carry, readout, weights = self._step(static, carry, emb)
    logits = _dense(self.output_params, readout, self.dtype).astype(jnp.float32)
    return jax.nn.log_softmax(logits), carry, weights

  def __call__(self, source: jax.Array, source_length: jax.Array, target_input: jax.Array,
               deterministic: bool = True) -> tuple[jax.Array, jax.Array]:
    """Teacher forcing: ``(logits [B, T, V], attention weights [B, T, S])``."""
    static, carry = self.encode(source, source_length, deterministic)
    emb = self.dropout(self.target_embed(target_input), deterministic=deterministic)

    def body(carry, emb_t):
      carry, readout, weights = self._step(static, carry, emb_t)
      return carry, (readout, weights)

    _, (readouts, weights) = jax.lax.scan(body, carry, jnp.swapaxes(emb, 0, 1))
    readouts = self.dropout(jnp.swapaxes(readouts, 0, 1), deterministic=deterministic)
    logits = _dense(self.output_params, readouts, self.dtype).astype(jnp.float32)
    return logits, jnp.swapaxes(weights, 0, 1)


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
