"""Fused BPTT for ``rnnlab.cells.GRU``, reset-after (PyTorch/cuDNN) and reset-before (Cho 2014).

Same maths as ``GRU.step`` under ``recurrence.scan``; ``gx = x @ w_x + b_x`` comes in
projected, ``w_h = [w_hr | w_hz | w_hn]`` and ``b_h`` stay inside the step::

    reset_after:  gh = h @ w_h + b_h;   r, z = sigmoid(gx_rz + gh_rz);  n = tanh(gx_n + r * gh_n)
    reset_before: gh_rz = h @ w_hrz + b_hrz;  r, z as above;  n = tanh(gx_n + (r * h) @ w_hn + b_hn)
    h' = (1 - z) * n + z * h

The forward saves ``r, z, n`` (and ``gh_n`` for reset-after) ``[T, B, H]`` plus the states.
The backward carries only ``dh`` and emits the pre-activation gradients
``da = (da_r, da_z, da_n) = d(gx) [T, B, 3H]``::

    dh~ = dh + dy_t;  da_n = dh~ (1 - z)(1 - n^2);  da_z = dh~ (h_{t-1} - n) z (1 - z)
    reset_after:  da_r = da_n gh_n r (1 - r);   d(gh) = (da_r, da_z, da_n r)
                  dh_{t-1} = dh~ z + d(gh) @ w_h^T
    reset_before: d(rh) = da_n @ w_hn^T;  da_r = d(rh) h_{t-1} r (1 - r);  d(gh) = da
                  dh_{t-1} = dh~ z + d(rh) r + (da_r, da_z) @ w_hrz^T

and after the loop ``dw_h`` is one GEMM per weight block (``h_{t-1}`` against ``d(gh)``;
reset-before: ``r * h_{t-1}`` against ``da_n`` for ``w_hn``), ``db_h = sum d(gh)``.
"""
import functools

import jax
import jax.numpy as jnp

from rnnlab.cells.gru import GRU
from rnnlab.kernels import bptt


def supports(cell: GRU) -> bool:
  """Every built-in GRU (both reset variants) has a fused path."""
  return isinstance(cell, GRU)


def _cell_forward(reset_after, w_h, b_h, gx_t, h):
  """One step; returns ``(h_t, saved)`` with saved = (r, z, n, gh_n) or (r, z, n)."""
  hid = h.shape[-1]
  gx_r, gx_z, gx_n = jnp.split(gx_t.astype(h.dtype), 3, axis=-1)
  if reset_after:
    gh_r, gh_z, gh_n = jnp.split(bptt.matmul(h, w_h) + b_h, 3, axis=-1)
  else:
    gh_r, gh_z = jnp.split(bptt.matmul(h, w_h[:, :2 * hid]) + b_h[:, :2 * hid], 2, axis=-1)
  r = jax.nn.sigmoid(gx_r + gh_r)
  z = jax.nn.sigmoid(gx_z + gh_z)
  if reset_after:
    n = jnp.tanh(gx_n + r * gh_n)
    saved = (r, z, n, gh_n)
  else:
    n = jnp.tanh(gx_n + bptt.matmul(r * h, w_h[:, 2 * hid:]) + b_h[:, 2 * hid:])
    saved = (r, z, n)
  h_t = (1.0 - z) * n + z * h
  return h_t, saved


def _scan_forward(reset_after, unroll, w_h, b_h, gx, h0, mask, save):
  out_dtype = w_h.dtype

  def step(h, inputs):
    gx_t, m_t = inputs
    h_t, saved = _cell_forward(reset_after, w_h, b_h, gx_t, h)
    h_t = bptt.keep_where(m_t, h_t, h)
    y = bptt.zero_where_invalid(m_t, h_t.astype(out_dtype))
    return h_t, (y, (saved, h_t) if save else None)

  h_n, (ys, saved) = jax.lax.scan(step, h0, (gx, mask), unroll=unroll)
  return h_n, ys, saved


@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _fused_gru(static, w_h, b_h, gx, h0, mask):
  reset_after, unroll, _ = static
  h_n, ys, _ = _scan_forward(reset_after, unroll, w_h, b_h, gx, h0, mask, save=False)
  return h_n, ys


def _fused_gru_fwd(static, w_h, b_h, gx, h0, mask):
  reset_after, unroll, _ = static
  h_n, ys, (saved, hs) = _scan_forward(reset_after, unroll, w_h, b_h, gx, h0, mask, save=True)
  return (h_n, ys), (w_h, saved, hs, h0, mask)


def _fused_gru_bwd(static, residuals, cotangents):
  reset_after, unroll, gx_dtype = static
  w_h, saved, hs, h0, mask = residuals
  dh_n, dys = cotangents
  hid = h0.shape[-1]
  h_prev = bptt.previous_steps(h0, hs)
  w_h_t = bptt.transposed(w_h)  # [3H, H]

  def step(dh, inputs):
    saved_t, h_p, dy_t, m_t = inputs
    r, z, n = saved_t[:3]
    dh_tot = dh + dy_t.astype(dh.dtype)
    da_n = dh_tot * (1.0 - z) * (1.0 - n * n)
    da_z = dh_tot * (h_p - n) * z * (1.0 - z)
    if reset_after:
      gh_n = saved_t[3]
      da_r = da_n * gh_n * r * (1.0 - r)
      da = jnp.concatenate([da_r, da_z, da_n], axis=-1)
      dgh = jnp.concatenate([da_r, da_z, da_n * r], axis=-1)
      da, dgh = bptt.zero_where_invalid(m_t, da), bptt.zero_where_invalid(m_t, dgh)
      dh_p = dh_tot * z + bptt.matmul(dgh, w_h_t)
      out = (da, dgh)
    else:
      d_rh = bptt.matmul(da_n, w_h_t[2 * hid:])
      da_r = d_rh * h_p * r * (1.0 - r)
      da = bptt.zero_where_invalid(m_t, jnp.concatenate([da_r, da_z, da_n], axis=-1))
      dh_p = dh_tot * z + d_rh * r + bptt.matmul(da[:, :2 * hid], w_h_t[:2 * hid])
      out = (da,)
    dh_p = bptt.keep_where(m_t, dh_p, dh)
    return dh_p, out

  dh0, out = jax.lax.scan(step, dh_n, (saved, h_prev, dys, mask), reverse=True, unroll=unroll)
  da = out[0]
  if reset_after:
    dgh = out[1]
    dw_h = bptt.weight_gradient(h_prev, dgh, w_h.dtype)
  else:
    dgh = da
    r = saved[0]
    dw_h = jnp.concatenate([
        bptt.weight_gradient(h_prev, da[..., :2 * hid], w_h.dtype),
        bptt.weight_gradient(r * h_prev, da[..., 2 * hid:], w_h.dtype)], axis=-1)
  db_h = bptt.row(jnp.sum(dgh, axis=(0, 1)))
  return dw_h, db_h, da.astype(gx_dtype), dh0, None


_fused_gru.defvjp(_fused_gru_fwd, _fused_gru_bwd)


def fused_gru(cell: GRU, params: dict, gx: jax.Array, initial_state, mask, *, unroll: int = 1):
  """Fused GRU over time-major ``gx [T, B, 3H]``; returns ``(h, ys [T, B, H])``.

  ``initial_state``: ``h0 [B, H]``; ``mask``: bool ``[T, B]`` or None.
  """
  unroll = bptt.check_unroll(unroll)
  dtype = bptt.state_dtype(cell)
  w_h = params["w_h"].astype(cell.dtype)
  b_h = bptt.row(params["b_h"].astype(dtype))
  static = (bool(cell.reset_after), unroll, jnp.dtype(gx.dtype).name)
  return _fused_gru(static, w_h, b_h, gx, initial_state.astype(dtype), mask)
