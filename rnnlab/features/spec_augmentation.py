"""SpecAugment frequency and time masking (Park et al., 2019), without time warping."""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.features.masking import frame_mask


def _band_mask(key, num_masks: int, max_width, extent, size: int):
  """True inside ``num_masks`` random bands per row: ``[B, size]``.

  Each band has width ~ U{0..max_width} and starts ~ U{0..extent - width}; ``max_width``
  and ``extent`` are ``[B]`` arrays.
  """
  width_key, start_key = jax.random.split(key)
  b = extent.shape[0]
  u_width = jax.random.uniform(width_key, (b, num_masks))
  u_start = jax.random.uniform(start_key, (b, num_masks))
  width = jnp.floor(u_width * (max_width[:, None] + 1)).astype(jnp.int32)  # [B, K]
  width = jnp.minimum(width, extent[:, None])
  start = jnp.floor(u_start * (extent[:, None] - width + 1)).astype(jnp.int32)
  position = jnp.arange(size)[None, None, :]  # [1, 1, size]
  inside = (position >= start[:, :, None]) & (position < (start + width)[:, :, None])
  return jnp.any(inside, axis=1)


def spec_augment(key, features, lengths, *, num_freq_masks: int = 2, freq_mask_width: int = 27,
                 num_time_masks: int = 2, time_mask_width: int = 40,
                 time_mask_max_fraction: float = 0.1, mask_value: float = 0.0):
  """Masks random frequency bands and time spans of each utterance.

  Args:
    key: PRNG key.
    features: ``[B, T, D]`` (after normalisation, so ``mask_value=0`` is the mean).
    lengths: valid frames, int ``[B]``; time masks stay inside them.
    num_freq_masks, freq_mask_width: F masks of width ~ U{0..freq_mask_width} channels.
    num_time_masks, time_mask_width: masks of width ~ U{0..W} frames, with
      ``W = min(time_mask_width, time_mask_max_fraction * length)``.
    mask_value: written where masked.

  Returns:
    ``[B, T, D]``; padded frames unchanged.
  """
  b, t, d = features.shape
  lengths = jnp.asarray(lengths, jnp.int32)
  freq_key, time_key = jax.random.split(key)
  masked = jnp.zeros((b, t, d), bool)
  if num_freq_masks:
    freq = _band_mask(freq_key, num_freq_masks, jnp.full((b,), freq_mask_width, jnp.int32),
                      jnp.full((b,), d, jnp.int32), d)  # [B, D]
    masked = masked | freq[:, None, :]
  if num_time_masks:
    max_width = jnp.minimum(
        time_mask_width, jnp.floor(time_mask_max_fraction * lengths).astype(jnp.int32))
    time = _band_mask(time_key, num_time_masks, max_width, lengths, t)  # [B, T]
    masked = masked | time[:, :, None]
  masked = masked & frame_mask(lengths, t)[:, :, None]
  return jnp.where(masked, jnp.asarray(mask_value, features.dtype), features)


@dataclasses.dataclass(frozen=True)
class SpecAugmentConfig:
  """Hyperparameters of ``spec_augment`` (hashable, for use as a Flax module field)."""

  num_freq_masks: int = 2
  freq_mask_width: int = 27
  num_time_masks: int = 2
  time_mask_width: int = 40
  time_mask_max_fraction: float = 0.1

  def __call__(self, key, features, lengths):
    return spec_augment(key, features, lengths, **dataclasses.asdict(self))
