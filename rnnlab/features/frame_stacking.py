"""Frame stacking: concatenate k consecutive frames to shorten a sequence k times."""
import jax.numpy as jnp


def stacked_lengths(lengths, stride: int):
  """Lengths after stacking: ``ceil(length / stride)``."""
  return (jnp.asarray(lengths) + stride - 1) // stride


def stack_frames(features, lengths, stride: int):
  """Concatenates each group of ``stride`` consecutive frames.

  Args:
    features: ``[B, T, D]``, zero (or anything) at padded frames.
    lengths: valid frames, int ``[B]``.
    stride: k >= 1.

  Returns:
    ``(stacked [B, ceil(T / k), k * D], new_lengths [B])``; output frame j holds input
    frames ``jk .. jk + k - 1`` in order, padded frames zeroed (so a last partial group is
    zero-padded).
  """
  if stride < 1:
    raise ValueError(f"Frame stacking stride must be >= 1, got {stride}.")
  lengths = jnp.asarray(lengths)
  b, t, d = features.shape
  valid = jnp.arange(t)[None, :] < lengths[:, None]
  features = jnp.where(valid[:, :, None], features, jnp.zeros((), features.dtype))
  if stride == 1:
    return features, lengths
  padded_t = -(-t // stride) * stride
  features = jnp.pad(features, ((0, 0), (0, padded_t - t), (0, 0)))
  return features.reshape(b, padded_t // stride, stride * d), stacked_lengths(lengths, stride)
