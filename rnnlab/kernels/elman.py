"""Fused BPTT for ``rnnlab.cells.Elman`` (tanh or relu; IRNN is the relu case).

Same maths as ``Elman.step`` under ``recurrence.scan`` (seed 003, eqs. 12-18)::

    h_t = act(gx_t + h_{t-1} @ w_h)

The forward saves only the states ``h [T, B, H]``: both activations' derivatives are
functions of the output (tanh: ``1 - h^2``; relu: ``h > 0``). The backward carries ``dh``::

    da_t = (dh + dy_t) * act'(h_t);   dh_{t-1} = da_t @ w_h^T

then ``dw_h = sum_t h_{t-1}^T da_t`` is one GEMM and ``d(gx) = da``.
"""
import functools

import jax
import jax.numpy as jnp

from rnnlab.cells.elman import ACTIVATIONS, Elman
from rnnlab.kernels import bptt


def _derivative_from_output(activation: str, h: jax.Array) -> jax.Array:
  """``act'(pre)`` written through ``h = act(pre)``."""
  if activation == "tanh":
    return 1.0 - h * h
  return (h > 0).astype(h.dtype)


_DERIVATIVES = ("tanh", "relu")


def supports(cell: Elman) -> bool:
  """Elman cells whose activation has a derivative written here (tanh, relu)."""
  return cell.activation in _DERIVATIVES


def _scan_forward(activation, unroll, w_h, gx, h0, mask, save):
  act = ACTIVATIONS[activation]
  out_dtype = w_h.dtype

  def step(h, inputs):
    gx_t, m_t = inputs
    h_t = act(gx_t.astype(h.dtype) + bptt.matmul(h, w_h))
    h_t = bptt.keep_where(m_t, h_t, h)
    y = bptt.zero_where_invalid(m_t, h_t.astype(out_dtype))
    return h_t, (y, h_t if save else None)

  h_n, (ys, hs) = jax.lax.scan(step, h0, (gx, mask), unroll=unroll)
  return h_n, ys, hs


@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _fused_elman(static, w_h, gx, h0, mask):
  activation, unroll, _ = static
  h_n, ys, _ = _scan_forward(activation, unroll, w_h, gx, h0, mask, save=False)
  return h_n, ys


def _fused_elman_fwd(static, w_h, gx, h0, mask):
  activation, unroll, _ = static
  h_n, ys, hs = _scan_forward(activation, unroll, w_h, gx, h0, mask, save=True)
  return (h_n, ys), (w_h, hs, h0, mask)


def _fused_elman_bwd(static, residuals, cotangents):
  activation, unroll, gx_dtype = static
  w_h, hs, h0, mask = residuals
  dh_n, dys = cotangents
  w_h_t = bptt.transposed(w_h)

  def step(dh, inputs):
    h_t, dy_t, m_t = inputs
    da = (dh + dy_t.astype(dh.dtype)) * _derivative_from_output(activation, h_t)
    da = bptt.zero_where_invalid(m_t, da)
    dh_p = bptt.keep_where(m_t, bptt.matmul(da, w_h_t), dh)
    return dh_p, da

  dh0, da = jax.lax.scan(step, dh_n, (hs, dys, mask), reverse=True, unroll=unroll)
  dw_h = bptt.weight_gradient(bptt.previous_steps(h0, hs), da, w_h.dtype)
  return dw_h, da.astype(gx_dtype), dh0, None


_fused_elman.defvjp(_fused_elman_fwd, _fused_elman_bwd)


def fused_elman(cell: Elman, params: dict, gx: jax.Array, initial_state, mask, *,
                unroll: int = 1):
  """Fused Elman RNN over time-major ``gx [T, B, H]``; returns ``(h, ys [T, B, H])``.

  ``initial_state``: ``h0 [B, H]``; ``mask``: bool ``[T, B]`` or None.
  """
  if not supports(cell):
    raise ValueError(f"fused_elman: activation={cell.activation!r}; allowed: {_DERIVATIVES}")
  unroll = bptt.check_unroll(unroll)
  w_h = params["w_h"].astype(cell.dtype)
  static = (cell.activation, unroll, jnp.dtype(gx.dtype).name)
  return _fused_elman(static, w_h, gx, initial_state.astype(bptt.state_dtype(cell)), mask)
