"""Fused BPTT for ``rnnlab.cells.LSTM`` (with or without peepholes; not with layer norm).

Same maths as ``LSTM.step`` under ``recurrence.scan`` (seed 004)::

    z = gx_t + h_{t-1} @ w_h                     gates (i, f, g, o), PyTorch order
    i = sigmoid(z_i + p_i * c_{t-1}); f = sigmoid(z_f + p_f * c_{t-1}); g = tanh(z_g)
    c_t = f * c_{t-1} + i * g;  o = sigmoid(z_o + p_o * c_t);  h_t = o * tanh(c_t)

The forward saves the gate activations ``[T, B, 4H]`` and the states ``c, h [T, B, H]``
(state dtype, float32). The backward carries ``(dc, dh)`` and, per step, emits ``dz [B, 4H]``::

    dh~ = dh + dy_t;  do = dh~ * tanh(c_t);  dz_o = do * o (1 - o)
    dc~ = dc + dh~ * o * (1 - tanh(c_t)^2) + dz_o * p_o
    dz_i = dc~ g i (1 - i);  dz_f = dc~ c_{t-1} f (1 - f);  dz_g = dc~ i (1 - g^2)
    dc_{t-1} = dc~ f + dz_i p_i + dz_f p_f;   dh_{t-1} = dz @ w_h^T

then ``dw_h = sum_t h_{t-1}^T dz_t`` (one GEMM), ``d(gx) = dz`` and the peephole gradients
are reductions over ``[T, B, H]``. At masked steps the state is carried unchanged and the
output is zero, so there ``dz = 0`` and ``(dc, dh)`` pass through.
"""
import functools

import jax
import jax.numpy as jnp

from rnnlab.cells.lstm import LSTM
from rnnlab.kernels import bptt


def supports(cell: LSTM) -> bool:
  """The fused path covers every LSTM except ``layer_norm=True`` (which uses the plain scan)."""
  return not cell.layer_norm


def _cell_forward(w_h, peep, gx_t, c, h):
  """One step; returns ``(c_t, h_t, acts [B, 4H])`` with acts = (i, f, g, o) activations."""
  z = gx_t.astype(h.dtype) + bptt.matmul(h, w_h)
  z_i, z_f, z_g, z_o = jnp.split(z, 4, axis=-1)
  if peep is not None:
    p_i, p_f, p_o = peep
    z_i = z_i + p_i * c
    z_f = z_f + p_f * c
  i = jax.nn.sigmoid(z_i)
  f = jax.nn.sigmoid(z_f)
  g = jnp.tanh(z_g)
  c_t = f * c + i * g
  if peep is not None:
    z_o = z_o + peep[2] * c_t
  o = jax.nn.sigmoid(z_o)
  h_t = o * jnp.tanh(c_t)
  return c_t, h_t, jnp.concatenate([i, f, g, o], axis=-1)


def _scan_forward(w_h, peep, gx, c0, h0, mask, unroll, save):
  out_dtype = w_h.dtype

  def step(carry, inputs):
    c, h = carry
    gx_t, m_t = inputs
    c_t, h_t, acts = _cell_forward(w_h, peep, gx_t, c, h)
    c_t, h_t = bptt.keep_where(m_t, (c_t, h_t), (c, h))
    y = bptt.zero_where_invalid(m_t, h_t.astype(out_dtype))
    saved = (acts, c_t, h_t) if save else None
    return (c_t, h_t), (y, saved)

  (c_n, h_n), (ys, saved) = jax.lax.scan(step, (c0, h0), (gx, mask), unroll=unroll)
  return (c_n, h_n), ys, saved


@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _fused_lstm(static, w_h, peep, gx, c0, h0, mask):
  (c_n, h_n), ys, _ = _scan_forward(w_h, peep, gx, c0, h0, mask, static[0], save=False)
  return c_n, h_n, ys


def _fused_lstm_fwd(static, w_h, peep, gx, c0, h0, mask):
  (c_n, h_n), ys, (acts, cs, hs) = _scan_forward(w_h, peep, gx, c0, h0, mask, static[0],
                                                 save=True)
  residuals = (w_h, peep, acts, cs, hs, c0, h0, mask)
  return (c_n, h_n, ys), residuals


def _fused_lstm_bwd(static, residuals, cotangents):
  unroll, gx_dtype = static
  w_h, peep, acts, cs, hs, c0, h0, mask = residuals
  dc_n, dh_n, dys = cotangents
  w_h_t = bptt.transposed(w_h)
  c_prev = bptt.previous_steps(c0, cs)

  def step(carry, inputs):
    dc, dh = carry
    acts_t, c_t, c_p, dy_t, m_t = inputs
    i, f, g, o = jnp.split(acts_t, 4, axis=-1)
    dh_tot = dh + dy_t.astype(dh.dtype)
    tc = jnp.tanh(c_t)
    dz_o = dh_tot * tc * o * (1.0 - o)
    dc_tot = dc + dh_tot * o * (1.0 - tc * tc)
    if peep is not None:
      dc_tot = dc_tot + dz_o * peep[2]
    dz_i = dc_tot * g * i * (1.0 - i)
    dz_f = dc_tot * c_p * f * (1.0 - f)
    dz_g = dc_tot * i * (1.0 - g * g)
    dc_p = dc_tot * f
    if peep is not None:
      dc_p = dc_p + dz_i * peep[0] + dz_f * peep[1]
    dz = jnp.concatenate([dz_i, dz_f, dz_g, dz_o], axis=-1)
    dz = bptt.zero_where_invalid(m_t, dz)
    dh_p = bptt.matmul(dz, w_h_t)
    dc_p, dh_p = bptt.keep_where(m_t, (dc_p, dh_p), (dc, dh))
    return (dc_p, dh_p), dz

  (dc0, dh0), dz = jax.lax.scan(step, (dc_n, dh_n), (acts, cs, c_prev, dys, mask),
                                reverse=True, unroll=unroll)
  h_prev = bptt.previous_steps(h0, hs)
  dw_h = bptt.weight_gradient(h_prev, dz, w_h.dtype)
  dpeep = None
  if peep is not None:
    dz_i, dz_f, _, dz_o = jnp.split(dz, 4, axis=-1)
    dpeep = tuple(bptt.row(jnp.sum(d * c, axis=(0, 1)))
                  for d, c in ((dz_i, c_prev), (dz_f, c_prev), (dz_o, cs)))
  return dw_h, dpeep, dz.astype(gx_dtype), dc0, dh0, None


_fused_lstm.defvjp(_fused_lstm_fwd, _fused_lstm_bwd)


def fused_lstm(cell: LSTM, params: dict, gx: jax.Array, initial_state, mask, *, unroll: int = 1):
  """Fused LSTM over time-major ``gx [T, B, 4H]``; returns ``((c, h), ys [T, B, H])``.

  ``initial_state``: ``(c0, h0)`` float32 ``[B, H]``; ``mask``: bool ``[T, B]`` or None.
  """
  if not supports(cell):
    raise ValueError(f"fused_lstm does not support {cell!r}; allowed: layer_norm=False")
  unroll = bptt.check_unroll(unroll)
  w_h = params["w_h"].astype(cell.dtype)
  dtype = bptt.state_dtype(cell)
  peep = None
  if cell.peephole:
    peep = tuple(bptt.row(params[name].astype(dtype)) for name in ("p_i", "p_f", "p_o"))
  c0, h0 = initial_state
  static = (unroll, jnp.dtype(gx.dtype).name)
  c_n, h_n, ys = _fused_lstm(static, w_h, peep, gx, c0.astype(dtype), h0.astype(dtype), mask)
  return (c_n, h_n), ys
