"""Delta (time-derivative) features, respecting each utterance's length."""
import jax.numpy as jnp


def _delta(x, lengths, window: int):
  """Regression delta ``sum_n n (x[t+n] - x[t-n]) / (2 sum_n n^2)``, edges replicated."""
  t = x.shape[1]
  last = jnp.maximum(lengths - 1, 0)[:, None]  # [B, 1]
  positions = jnp.arange(t)[None, :]  # [1, T]
  out = jnp.zeros_like(x)
  for n in range(1, window + 1):
    ahead = jnp.clip(positions + n, 0, last)  # [B, T]
    behind = jnp.clip(positions - n, 0, last)
    gather = lambda idx: jnp.take_along_axis(x, idx[:, :, None], axis=1)  # noqa: E731
    out = out + n * (gather(ahead) - gather(behind))
  return out / (2.0 * sum(n * n for n in range(1, window + 1)))


def add_deltas(features, lengths, order: int = 2, window: int = 2):
  """Appends deltas (and delta-deltas, ...) to features.

  Args:
    features: ``[B, T, D]``.
    lengths: valid frames per utterance, int ``[B]``; frames past it are padding
      (edges are replicated at ``length - 1``, not at ``T - 1``).
    order: 0 = unchanged, 1 = + deltas, 2 = + deltas + delta-deltas.
    window: N of the regression formula.

  Returns:
    ``[B, T, D * (order + 1)]``: ``[x, delta x, delta^2 x, ...]`` on the last axis.
  """
  if order < 0 or window < 1:
    raise ValueError(f"Need order >= 0 and window >= 1, got order={order}, window={window}.")
  parts = [features]
  for _ in range(order):
    parts.append(_delta(parts[-1], jnp.asarray(lengths), window))
  return jnp.concatenate(parts, axis=-1)
