"""Image captioning: CNN encoder + RNN decoder (one-to-many, seeds 000-004).

Two variants (``variant``):

* ``"show_and_tell"`` (Vinyals et al. 2015): the mean of the CNN's region features (the
  image embedding) starts the decoder (its initial state ``tanh(W c + b)``); the decoder
  then sees only the previous word (``AttentionDecoder(attention="none",
  feed_context=False)``).
* ``"show_attend_tell"`` (Xu et al. 2015, deterministic soft attention): at every step the
  previous hidden state attends over the ``R`` regions (additive attention), the context
  is fed with the previous word, and training adds the doubly stochastic regulariser
  ``lambda * sum_r (1 - sum_t alpha_{t,r})^2`` (:func:`doubly_stochastic_penalty`, Xu et
  al. eq. 14) so that every region receives attention over the caption.

``images`` are uint8 ``[B, S, S, 3]`` (the CNN runs) or precomputed region features
float ``[B, R, F]`` (``feature_size = F``; the CNN is skipped). Decoding uses
``encode`` + ``decode_step`` (the :mod:`rnnlab.decoding` step contract), so greedy and beam
search are the translation task's.
"""
import functools
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab.models import cell_config
from rnnlab.models import attention_decoder
from rnnlab.models import cnn_encoder

VARIANTS = ("show_and_tell", "show_attend_tell")


def doubly_stochastic_penalty(weights: jax.Array, target_mask: jax.Array) -> jax.Array:
  """``sum_r (1 - sum_t alpha_{t,r})^2`` per image: weights ``[B, T, R]``, mask ``[B, T]`` -> ``[B]``.

  Steps outside ``target_mask`` (padding) are selected away before summing.
  """
  valid = target_mask.astype(bool)[:, :, None]
  attention_per_region = jnp.sum(jnp.where(valid, weights, 0.0), axis=1)  # [B, R]
  return jnp.sum((1.0 - attention_per_region) ** 2, axis=-1)


class Captioner(nn.Module):
  """See the module docstring. ``__call__(images, target_input) -> (logits [B, T, V],
  attention weights [B, T, R])``.

  Attributes:
    vocab_size: V.
    cell: the decoder cell (hidden size H).
    variant: one of ``VARIANTS``.
    embed_size, attention_size, dropout_rate: of the decoder.
    channels, num_stages, blocks_per_stage: of the CNN encoder.
    feature_size: F of precomputed region features (0: images go through the CNN).
    attention_penalty: lambda of the doubly stochastic regulariser; read by the training
      loss, not by ``__call__``.
    dtype: compute dtype of the encoder and the decoder (``param_dtype``: storage).
  """

  vocab_size: int
  cell: Any
  variant: str = "show_attend_tell"
  embed_size: int = 64
  attention_size: int = 128
  dropout_rate: float = 0.0
  channels: int = 32
  num_stages: int = 3
  blocks_per_stage: int = 1
  feature_size: int = 0
  attention_penalty: float = 1.0
  dtype: Any = jnp.float32
  param_dtype: Any = jnp.float32

  def setup(self):
    if self.variant not in VARIANTS:
      raise ValueError(f"variant={self.variant!r}; allowed: {VARIANTS}")
    if self.feature_size:
      memory_size = self.feature_size
    else:
      self.encoder = cnn_encoder.CNNEncoder(self.channels, self.num_stages, self.blocks_per_stage,
                                            dtype=self.dtype, param_dtype=self.param_dtype)
      memory_size = self.channels * 2 ** (self.num_stages - 1)
    attend = self.variant == "show_attend_tell"
    self.decoder = attention_decoder.AttentionDecoder(
        vocab_size=self.vocab_size, cell=self.cell, memory_size=memory_size,
        embed_size=self.embed_size, attention="additive" if attend else "none",
        attention_size=self.attention_size, feed_context=False,
        dropout_rate=self.dropout_rate, dtype=self.dtype, step_dtype=self.dtype,
        param_dtype=self.param_dtype)

  def encode(self, images: jax.Array) -> tuple[dict, Any]:
    """``(static, initial_carry)`` for decoding; ``static["memory"]`` is ``[B, R, F]``."""
    if self.feature_size:
      if images.ndim != 3 or images.shape[-1] != self.feature_size:
        raise ValueError(f"precomputed features must be [B, R, F={self.feature_size}]; got "
                         f"shape {tuple(images.shape)}")
      regions = images.astype(jnp.float32)
      embedding = jnp.mean(regions, axis=1)
    else:
      regions, embedding = self.encoder(images)
    mask = jnp.ones(regions.shape[:2], bool)
    return self.decoder.prepare(regions, mask, embedding)

  def decode_step(self, static: dict, carry: Any, tokens: jax.Array):
    """``tokens [B]`` -> ``(log_probs [B, V], carry, attention weights [B, R])``."""
    return self.decoder.decode_step(static, carry, tokens)

  def __call__(self, images: jax.Array, target_input: jax.Array, deterministic: bool = True):
    static, carry = self.encode(images)
    return self.decoder(static, carry, target_input, deterministic=deterministic)


def from_config(model_config, vocab_size: int) -> Captioner:
  """The Captioner of a run's ``config.model`` (the captioning task's model section).

  ``model.dtype`` is the compute dtype of the CNN encoder, the decoder cell, the embedding,
  the attention, the readout and the output layer; parameters, recurrent state, attention
  softmax, logits and the loss stay float32.
  """
  m = model_config
  cell = cell_config.make_cells(m, num_layers=1)[0]  # model.cell, its section, model.dtype
  return Captioner(vocab_size=vocab_size, cell=cell, variant=m.variant, embed_size=m.embed_size,
                   attention_size=m.attention_size, dropout_rate=m.dropout_rate,
                   channels=m.channels, num_stages=m.num_stages,
                   blocks_per_stage=m.blocks_per_stage, attention_penalty=m.attention_penalty,
                   dtype=cell_config.compute_dtype(m))


@functools.lru_cache(maxsize=None)
def decoder_functions(model: Captioner):
  """``(encode_fn, step_fn)`` for :mod:`rnnlab.decoding` (cached per model, so compiled once).

  ``encode_fn(params, images) -> (static, carry)`` is jitted; ``step_fn(params, static,
  carry, tokens) -> (log_probs, carry, weights)``.
  """

  @jax.jit
  def encode_fn(params, images):
    return model.apply({"params": params}, images, method=Captioner.encode)

  def step_fn(params, static, carry, tokens):
    return model.apply({"params": params}, static, carry, tokens, method=Captioner.decode_step)

  return encode_fn, step_fn
