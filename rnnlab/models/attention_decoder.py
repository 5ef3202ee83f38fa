"""An RNN decoder over any encoder's memory, with optional attention (Linen over pure cells).

Shared by every encoder-decoder model (translation's ``Seq2Seq``, image captioning; the
memory is whatever the encoder gives: source-token states ``[B, S, M]``, image regions
``[B, R, F]``, acoustic frames). The encoder hands over ``memory [B, S, M]``, ``mask
[B, S]`` (True at valid positions) and a ``summary [B, M]`` vector; :meth:`prepare` turns
them into the ``static`` pytree of :mod:`rnnlab.decoding` (attention keys projected once).

Decoder (one cell of size ``H``), by ``attention``:

* ``"none"`` (Cho et al. 2014; Sutskever et al. 2014; Vinyals et al. 2015): the summary
  ``c`` initialises the state; with ``feed_context`` it is also fed with every input,
  ``s_t = cell(s_{t-1}, [E y_{t-1}; c])`` (Cho), without it only ``E y_{t-1}`` (Show and
  Tell: the image starts the decoder); readout ``r_t = tanh(W_r [h_t; c; E y_{t-1}])``.
* ``"additive"`` (Bahdanau et al. 2015; Xu et al. 2015's soft attention): ``h_{t-1}``
  queries the memory, ``c_t = attend(h_{t-1})``, ``s_t = cell(s_{t-1}, [E y_{t-1}; c_t])``,
  ``r_t = tanh(W_r [h_t; c_t; E y_{t-1}])``.
* ``"dot"`` / ``"general"`` (Luong et al. 2015): ``s_t = cell(s_{t-1}, [E y_{t-1};
  r_{t-1}])`` (input feeding), ``c_t = attend(h_t)``, ``r_t = tanh(W_r [c_t; h_t])``.

Output ``logits_t = W_o r_t + b_o``. The initial state is ``tanh(W_init c + b)`` per state
component. Teacher forcing (``__call__``) and decoding (``decode_step``, the ``step_fn``
contract) run the same pure step. Masked memory positions never reach the outputs or the
gradients (``rnnlab.nn.attention`` selects, it does not multiply by zero).
"""
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab.nn import attention as attention_lib

ATTENTIONS = ("none", "additive", "dot", "general")


def _dense_init(key, fan_in: int, fan_out: int, dtype) -> dict:
  return {"w": nn.initializers.lecun_normal()(key, (fan_in, fan_out), dtype),
          "b": jnp.zeros((fan_out,), dtype)}


def _cast(params: Any, dtype) -> Any:
  return jax.tree.map(lambda p: p.astype(dtype), params)


def _dense(params: dict, x: jax.Array) -> jax.Array:
  w = params["w"].astype(x.dtype)
  return x @ w + params["b"].astype(x.dtype).reshape((1,) * (x.ndim - 1) + params["b"].shape)


class AttentionDecoder(nn.Module):
  """See the module docstring. Shapes: tokens int32 ``[B, T]``; logits float32 ``[B, T, V]``.

  Attributes:
    vocab_size: V.
    cell: the decoder cell (any ``rnnlab.cells`` cell), hidden size H.
    memory_size: M, the feature size of the encoder memory and summary.
    embed_size: E.
    attention: one of ``ATTENTIONS``.
    attention_size: A, the additive attention's hidden size.
    input_feeding: Luong input feeding (``dot``/``general``).
    feed_context: ``none`` only: feed the summary with every input.
    dropout_rate: on the target embeddings and the readouts.
    dtype: compute dtype of the embedding, bridge, attention, readout and output (the cell
      has its own); the state, attention scores and softmax, and the logits stay float32.
  """

  vocab_size: int
  cell: Any
  memory_size: int
  embed_size: int = 64
  attention: str = "additive"
  attention_size: int = 128
  input_feeding: bool = True
  feed_context: bool = True
  dropout_rate: float = 0.0
  dtype: Any = jnp.float32
  param_dtype: Any = jnp.float32

  @property
  def hidden_size(self) -> int:
    return self.cell.hidden_size

  @property
  def uses_attention(self) -> bool:
    return self.attention != "none"

  def _input_size(self) -> int:
    if self.attention == "none":
      return self.embed_size + (self.memory_size if self.feed_context else 0)
    if self.attention == "additive":
      return self.embed_size + self.memory_size
    return self.embed_size + (self.hidden_size if self.input_feeding else 0)

  def _readout_input_size(self) -> int:
    if self.attention in ("none", "additive"):
      return self.hidden_size + self.memory_size + self.embed_size
    return self.memory_size + self.hidden_size

  def setup(self):
    if self.attention not in ATTENTIONS:
      raise ValueError(f"attention={self.attention!r}; allowed: {ATTENTIONS}")
    if self.attention == "dot" and self.memory_size != self.hidden_size:
      raise ValueError(f"dot attention needs the decoder hidden size ({self.hidden_size}) to "
                       f"equal the memory size ({self.memory_size}); use 'general'")
    if not 0.0 <= self.dropout_rate < 1.0:
      raise ValueError(f"dropout_rate={self.dropout_rate!r}; allowed: 0 <= rate < 1")
    self.target_embed = nn.Embed(self.vocab_size, self.embed_size, dtype=self.dtype,
                                 param_dtype=self.param_dtype, name="target_embed")
    state_leaves = jax.tree.leaves(jax.eval_shape(lambda: self.cell.initial_state((1,))))
    self.bridge = [nn.Dense(leaf.shape[-1], dtype=self.dtype, param_dtype=self.param_dtype,
                            name=f"bridge_{i}")
                   for i, leaf in enumerate(state_leaves)]
    self.decoder_params = self.param(
        "decoder_cell", lambda k: self.cell.init(k, self._input_size()))
    self.attention_params = self.param(
        "attention", lambda k: attention_lib.init_attention(
            self.attention, k, self.hidden_size, self.memory_size, self.attention_size,
            self.param_dtype) if self.uses_attention else {})
    self.readout_params = self.param("readout", lambda k: _dense_init(
        k, self._readout_input_size(), self.hidden_size, self.param_dtype))
    self.output_params = self.param("output", lambda k: _dense_init(
        k, self.hidden_size, self.vocab_size, self.param_dtype))
    self.dropout = nn.Dropout(self.dropout_rate)

  def prepare(self, memory: jax.Array, mask: jax.Array, summary: jax.Array
              ) -> tuple[dict, Any]:
    """``(static, initial_carry)`` from the encoder's ``memory [B, S, M]``, ``mask [B, S]``
    and ``summary [B, M]``; ``initial_carry = (cell_state, feed [B, H])``."""
    memory = memory.astype(self.dtype)
    keys = (attention_lib.project_keys(self.attention, _cast(self.attention_params, self.dtype),
                                       memory, mask)
            if self.uses_attention else memory[:, :, :0])
    static = {"memory": memory, "keys": keys, "mask": mask.astype(bool),
              "summary": summary.astype(jnp.float32)}
    template = self.cell.initial_state((memory.shape[0],))
    leaves, treedef = jax.tree.flatten(template)
    state = jax.tree.unflatten(treedef, [
        jnp.tanh(dense(static["summary"])).astype(leaf.dtype)
        for dense, leaf in zip(self.bridge, leaves)])
    feed = jnp.zeros((memory.shape[0], self.hidden_size), jnp.float32)
    return static, (state, feed)

  def _step(self, static: dict, carry: Any, emb: jax.Array):
    """One step on the embedded previous token ``emb [B, E]``: ``(carry, readout [B, H],
    attention weights [B, S])``."""
    state, feed = carry
    cell, mask = self.cell, static["mask"]
    attention_params = _cast(self.attention_params, self.dtype)
    cat = lambda *xs: jnp.concatenate([x.astype(self.dtype) for x in xs], axis=-1)
    emb = emb.astype(self.dtype)
    if self.attention == "none":
      context = static["summary"]
      x = jnp.concatenate([emb, context], axis=-1) if self.feed_context else emb
      state, h = cell(self.decoder_params, state, x)
      readout = jnp.tanh(_dense(self.readout_params, cat(h, context, emb)))
      weights = jnp.zeros(mask.shape, jnp.float32)
    elif self.attention == "additive":
      context, weights = attention_lib.attend(
          "additive", attention_params, cell.output(state).astype(self.dtype), static["keys"],
          static["memory"], mask)
      state, h = cell(self.decoder_params, state, jnp.concatenate([emb, context], axis=-1))
      readout = jnp.tanh(_dense(self.readout_params, cat(h, context, emb)))
    else:
      x = jnp.concatenate([emb, feed.astype(emb.dtype)], -1) if self.input_feeding else emb
      state, h = cell(self.decoder_params, state, x)
      context, weights = attention_lib.attend(
          self.attention, attention_params, h.astype(self.dtype), static["keys"],
          static["memory"], mask)
      readout = jnp.tanh(_dense(self.readout_params, cat(context, h)))
    readout = readout.astype(jnp.float32)
    return (state, readout), readout, weights

  def _logits(self, readout: jax.Array) -> jax.Array:
    return _dense(self.output_params, readout.astype(self.dtype)).astype(jnp.float32)

  def decode_step(self, static: dict, carry: Any, tokens: jax.Array):
    """``tokens [B]`` -> ``(log_probs [B, V], carry, attention weights [B, S])``."""
    carry, readout, weights = self._step(static, carry, self.target_embed(tokens))
    return jax.nn.log_softmax(self._logits(readout)), carry, weights

  def __call__(self, static: dict, carry: Any, target_input: jax.Array,
               deterministic: bool = True) -> tuple[jax.Array, jax.Array]:
    """Teacher forcing on ``target_input [B, T]`` (BOS-prefixed): ``(logits [B, T, V],
    attention weights [B, T, S])``."""
    emb = self.dropout(self.target_embed(target_input), deterministic=deterministic)

    def body(carry, emb_t):
      carry, readout, weights = self._step(static, carry, emb_t)
      return carry, (readout, weights)

    _, (readouts, weights) = jax.lax.scan(body, carry, jnp.swapaxes(emb, 0, 1))
    readouts = self.dropout(jnp.swapaxes(readouts, 0, 1), deterministic=deterministic)
    return self._logits(readouts), jnp.swapaxes(weights, 0, 1)
