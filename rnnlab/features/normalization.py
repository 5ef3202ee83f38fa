"""Per-utterance mean and variance normalisation over valid frames."""
import jax.numpy as jnp

from rnnlab.features.masking import frame_mask


def normalize_per_utterance(features, lengths, epsilon: float = 1e-5):
  """Each utterance's feature dims to zero mean, unit variance over its valid frames.

  Args:
    features: ``[B, T, D]``.
    lengths: valid frames, int ``[B]``.
    epsilon: added to the variance.

  Returns:
    ``[B, T, D]``, zero at padded frames. Padded frames are selected away first, so whatever
    they hold (NaN, inf) reaches neither the statistics nor the gradients.
  """
  valid = frame_mask(lengths, features.shape[1])[:, :, None]  # [B, T, 1]
  features = jnp.where(valid, features, jnp.zeros((), features.dtype))
  mask = valid.astype(features.dtype)
  count = jnp.maximum(jnp.sum(mask, axis=1, keepdims=True), 1.0)  # [B, 1, 1]
  mean = jnp.sum(features * mask, axis=1, keepdims=True) / count
  variance = jnp.sum(((features - mean) * mask)**2, axis=1, keepdims=True) / count
  return (features - mean) * jnp.reciprocal(jnp.sqrt(variance + epsilon)) * mask
