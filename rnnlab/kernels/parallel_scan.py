"""The parallel-in-time path of state-linear cells (``rnnlab.cells.state_linear``).

For ``h_t = a_t * h_{t-1} + b_t`` (elementwise, real or complex), the pairs ``(a_t, b_t)``
compose associatively, ``(a_1, b_1) . (a_2, b_2) = (a_1 a_2, a_2 b_1 + b_2)``, so all T
states come from one ``jax.lax.associative_scan`` in O(log T) sequential depth (Blelloch
1990; Martin & Cundy 2018). The initial state enters as ``b_0 <- a_0 h_0 + b_0``.

Log space (Feng et al. 2024, "Were RNNs All We Needed?", sec. 3 and appendix; Heinsen 2023):
when ``a_t, b_t > 0`` the states are
``h_t = A_t h_0 + exp(log A_t + logcumsumexp_k<=t(log b_k - log A_k))`` with
``log A_t = sum_{s<=t} log a_s``, which neither underflows (A_t -> 0 over long T) nor
overflows. ``h_0`` is added outside the logarithm, so it may have any sign.

Padding: masked steps use ``a = 1, b = 0`` (``log a = 0, log b = -1e30``): the state is
carried, so the last state is the state at the last valid step; outputs there are zero.
Reversal is handled by the caller (``recurrence.scan``), as for the fused kernels.
"""
from typing import Any

import jax
import jax.numpy as jnp

# log b at masked steps: exp() of it is exactly 0, and unlike -inf it keeps the gradient of
# logcumsumexp finite (exp(-inf - (-inf)) would be NaN) on rows with no valid step.
LOG_ZERO = -1e30


def _combine(left, right):
  a_l, b_l = left
  a_r, b_r = right
  return a_r * a_l, a_r * b_l + b_r


def linear_recurrence(a: jax.Array, b: jax.Array, h0: jax.Array) -> jax.Array:
  """All states of ``h_t = a_t h_{t-1} + b_t``: ``a, b [T, ...]``, ``h0 [...]`` -> ``[T, ...]``."""
  b = b.at[0].add(a[0] * h0.astype(b.dtype))
  _, hs = jax.lax.associative_scan(_combine, (a, b), axis=0)
  return hs


def log_linear_recurrence(log_a: jax.Array, log_b: jax.Array, h0: jax.Array) -> jax.Array:
  """All states of ``h_t = a_t h_{t-1} + b_t`` from ``log a, log b [T, ...]`` (real, > 0 maths).

  ``h0 [...]`` may have any sign. Returns ``h [T, ...]`` in ``log_b``'s dtype.
  """
  log_a_star = jnp.cumsum(log_a, axis=0)
  log_h = log_a_star + jax.lax.cumlogsumexp(log_b - log_a_star, axis=0)
  return jnp.exp(log_a_star) * h0.astype(log_b.dtype)[None] + jnp.exp(log_h)


def uses_log_space(cell: Any) -> bool:
  """Whether the parallel path of ``cell`` runs in log space (``log_coefficients``, ``log_space``)."""
  return callable(getattr(cell, "log_coefficients", None)) and bool(getattr(cell, "log_space", True))


def _mask_like(mask: jax.Array, leaf: jax.Array) -> jax.Array:
  """``mask [T, B]`` -> ``[T, B, 1, ...]`` with ``leaf``'s rank (explicit broadcasting)."""
  return mask.reshape(mask.shape + (1,) * (leaf.ndim - 2))


def parallel_scan(cell: Any, params: Any, gx: jax.Array, initial_state: Any,
                  mask: jax.Array | None, *, unroll: int = 1,
                  log_space: bool | None = None) -> tuple[Any, jax.Array]:
  """Runs a state-linear ``cell`` over time-major ``gx [T, B, G]`` with an associative scan.

  Args:
    cell: a cell with ``coefficients`` and ``readout`` (and optionally ``log_coefficients``).
    params: its parameters.
    gx: time-major projected inputs ``[T, B, G]`` (``cell.project``), already reversed within
      lengths by the caller if needed.
    initial_state: state pytree with leading ``[B]`` (the cell's state dtype).
    mask: bool ``[T, B]`` (True at valid steps) or None.
    unroll: unused (the signature of the fused kernels, ``rnnlab.kernels``).
    log_space: force (True) or forbid (False) the log-space scan; None: ``uses_log_space(cell)``.

  Returns:
    ``(final_state, ys [T, B, H])``: the state after the last valid step of each row, and the
    outputs (zero at masked steps).
  """
  del unroll
  if gx.shape[0] == 0:  # no step: the state is the initial state, no outputs
    out = jax.eval_shape(lambda g: cell.readout(params, cell.coefficients(params, g)[1], g), gx)
    return initial_state, jnp.zeros(out.shape, out.dtype)
  log_space = uses_log_space(cell) if log_space is None else log_space
  if log_space:
    log_a, log_b = cell.log_coefficients(params, gx)
    if mask is not None:
      log_a = jax.tree.map(lambda x: jnp.where(_mask_like(mask, x), x, jnp.zeros_like(x)), log_a)
      log_b = jax.tree.map(lambda x: jnp.where(_mask_like(mask, x), x, jnp.full_like(x, LOG_ZERO)),
                           log_b)
    hs = jax.tree.map(log_linear_recurrence, log_a, log_b, initial_state)
  else:
    a, b = cell.coefficients(params, gx)
    if mask is not None:
      a = jax.tree.map(lambda x: jnp.where(_mask_like(mask, x), x, jnp.ones_like(x)), a)
      b = jax.tree.map(lambda x: jnp.where(_mask_like(mask, x), x, jnp.zeros_like(x)), b)
    hs = jax.tree.map(linear_recurrence, a, b, initial_state)
  ys = cell.readout(params, hs, gx)
  if mask is not None:
    ys = jnp.where(_mask_like(mask, ys), ys, jnp.zeros_like(ys))
  final_state = jax.tree.map(lambda h: h[-1], hs)
  return final_state, ys
