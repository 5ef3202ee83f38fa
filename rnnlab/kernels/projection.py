"""Fused input projection for the built-in cells: ``gx = xs @ w + b`` on time-major inputs.

``cell.project`` differentiated by JAX computes the same three GEMMs, but on CPU XLA lays
out the input-weight gradient ``sum_t,b xs[t,b]^T dgx[t,b]`` with a transposed copy of the
whole ``dgx [T, B, G]`` first. This ``jax.custom_vjp`` writes the backward as

    dw = weight_gradient(xs, dgx)        one GEMM over all T*B rows, no transpose
    db = sum over (T, B) of dgx
    dxs = dgx @ w^T                      with w^T materialised once

and gives identical gradients (the same GEMMs on the same operands; compared with the
plain path in ``tests/kernels/test_projection.py``). Measured on the LSTM layer, B=32 T=128
D=H=512, 2 cores: 266 ms vs 296 ms per fwd+bwd (1.11x).
"""
from typing import Any

import jax
import jax.numpy as jnp

from rnnlab.kernels import bptt


@jax.custom_vjp
def affine(xs: jax.Array, w: jax.Array, b: jax.Array) -> jax.Array:
  """``xs [T, B, D] @ w [D, G] + b [G]`` -> ``[T, B, G]``; all three in one dtype."""
  return xs @ w + b.reshape(1, 1, -1)


def _affine_fwd(xs, w, b):
  return affine(xs, w, b), (xs, w)


def _affine_bwd(residuals, dgx):
  xs, w = residuals
  dw = bptt.weight_gradient(xs, dgx, w.dtype)
  db = jnp.sum(dgx.astype(jnp.promote_types(bptt.STATE_DTYPE, dgx.dtype)), axis=(0, 1))
  dxs = dgx @ bptt.transposed(w)
  return dxs.astype(xs.dtype), dw, db.astype(w.dtype)


affine.defvjp(_affine_fwd, _affine_bwd)


def project_time_major(cell: Any, params: dict, xs_tm: jax.Array, bias: str) -> jax.Array:
  """``cell.project`` for a built-in cell whose projection is ``x @ w_x + params[bias]``.

  ``xs_tm [T, B, D]`` -> ``gx [T, B, G]`` in the cell's compute dtype, like ``cell.project``.
  """
  cell.check_input(params, xs_tm)
  dtype = cell.dtype
  return affine(xs_tm.astype(dtype), params["w_x"].astype(dtype), params[bias].astype(dtype))
