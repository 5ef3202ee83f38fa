"""Per-token cross-entropy over padded batches, safe whatever the padding holds.

Padding is *selected* away (``jnp.where`` on the logits and targets before any arithmetic),
never multiplied by a zero weight: ``0 * nan`` is ``nan``, and a zero cotangent times a
``nan`` Jacobian is ``nan`` too, so a NaN or ``inf`` logit, or an out-of-range target id, at a
padded position would otherwise reach the loss or its gradient.
"""
import jax
import jax.numpy as jnp
import optax


def token_nll(logits: jax.Array, targets: jax.Array, mask: jax.Array) -> jax.Array:
  """``-log softmax(logits)[target]`` per token, float32 ``[B, T]``, 0 where ``mask`` is 0.

  Args:
    logits: float ``[B, T, V]`` (anything at masked positions: NaN, inf).
    targets: int ``[B, T]`` ids in ``[0, V)`` at valid positions (anything elsewhere).
    mask: ``[B, T]``, bool or numeric; nonzero marks a valid token. Weights are not
      applied: multiply the (finite) result by them.

  Returns:
    float32 ``[B, T]`` negative log-likelihoods in nats; exactly 0, with zero gradient,
    at masked positions.
  """
  valid = jnp.asarray(mask) != 0
  logits = jnp.where(valid[..., None], logits.astype(jnp.float32), 0.0)
  targets = jnp.where(valid, jnp.asarray(targets), 0)
  nll = optax.softmax_cross_entropy_with_integer_labels(logits, targets)
  return jnp.where(valid, nll, 0.0)
