"""A small residual CNN image encoder: ``[B, S, S, 3]`` uint8/float images -> regions ``[B, R, F]``.

The "blended" CNN + RNN network of seeds 000-004 (image captioning): a convolutional stem,
then ``num_stages`` stages of ``blocks_per_stage`` residual blocks (He et al. 2016: two
3x3 convolutions with group normalisation and ReLU, plus the identity or a strided 1x1
projection), each stage after the first halving the resolution and doubling the channels.
The final ``[B, S', S', F]`` feature map is returned as ``R = S'^2`` region vectors in
row-major order, the grid a visual-attention decoder attends over (Xu et al. 2015), and
their mean as the image embedding (Vinyals et al. 2015).
"""
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp


def normalise_images(images: jax.Array) -> jax.Array:
  """uint8 ``[0, 255]`` (or float ``[0, 1]``) images -> float32 roughly in ``[-1, 1]``."""
  if images.ndim != 4 or images.shape[-1] != 3:
    raise ValueError(f"images must be [B, S, S, 3] RGB; got shape {tuple(images.shape)}")
  x = images.astype(jnp.float32)
  if jnp.issubdtype(images.dtype, jnp.integer):
    x = x / 255.0
  return x * 2.0 - 1.0


class ResidualBlock(nn.Module):
  """Two 3x3 convolutions + skip; ``strides=2`` halves the resolution (1x1 projection skip)."""

  features: int
  strides: int = 1
  dtype: Any = jnp.float32
  param_dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x: jax.Array) -> jax.Array:
    conv = lambda f, k, s, name: nn.Conv(f, (k, k), strides=(s, s), padding="SAME",
                                         use_bias=False, dtype=self.dtype,
                                         param_dtype=self.param_dtype, name=name)
    norm = lambda name: nn.GroupNorm(num_groups=min(8, self.features), dtype=self.dtype,
                                     param_dtype=self.param_dtype, name=name)
    y = nn.relu(norm("norm_1")(conv(self.features, 3, self.strides, "conv_1")(x)))
    y = norm("norm_2")(conv(self.features, 3, 1, "conv_2")(y))
    if self.strides != 1 or x.shape[-1] != self.features:
      x = norm("norm_skip")(conv(self.features, 1, self.strides, "conv_skip")(x))
    return nn.relu(x + y)


class CNNEncoder(nn.Module):
  """``__call__(images [B, S, S, 3]) -> (regions [B, R, F], embedding [B, F])``.

  Attributes:
    channels: channels of the first stage (F = channels * 2**(num_stages - 1)).
    num_stages: stages; the grid side is ``S / 2**num_stages`` (the stem halves it once).
    blocks_per_stage: residual blocks per stage.
  """

  channels: int = 32
  num_stages: int = 3
  blocks_per_stage: int = 1
  dtype: Any = jnp.float32
  param_dtype: Any = jnp.float32

  @property
  def feature_size(self) -> int:
    return self.channels * 2 ** (self.num_stages - 1)

  @nn.compact
  def __call__(self, images: jax.Array) -> tuple[jax.Array, jax.Array]:
    if self.num_stages < 1 or self.blocks_per_stage < 1 or self.channels < 1:
      raise ValueError(f"CNNEncoder: channels={self.channels}, num_stages={self.num_stages}, "
                       f"blocks_per_stage={self.blocks_per_stage}; allowed: ints >= 1")
    side = images.shape[1]
    if images.shape[1] != images.shape[2] or side % 2 ** self.num_stages:
      raise ValueError(f"images must be square with a side divisible by 2**num_stages="
                       f"{2 ** self.num_stages}; got shape {tuple(images.shape)}")
    x = normalise_images(images).astype(self.dtype)
    x = nn.Conv(self.channels, (3, 3), strides=(2, 2), padding="SAME", dtype=self.dtype,
                param_dtype=self.param_dtype, name="stem")(x)
    x = nn.relu(x)
    for stage in range(self.num_stages):
      features = self.channels * 2 ** stage
      for block in range(self.blocks_per_stage):
        strides = 2 if (stage > 0 and block == 0) else 1
        x = ResidualBlock(features, strides, self.dtype, self.param_dtype,
                          name=f"stage_{stage}_block_{block}")(x)
    regions = x.reshape(x.shape[0], -1, x.shape[-1]).astype(jnp.float32)
    return regions, jnp.mean(regions, axis=1)
