"""cuDNN's LSTM through ``jax.experimental.rnn`` for ``cells.LSTM`` on a GPU backend.

Same maths as ``LSTM.step`` under ``recurrence.scan`` without peepholes or layer norm (seed 004;
cuDNN's ``CUDNN_LSTM`` mode, gates (i, f, g, o) as PyTorch). rnnlab's parameters map onto
cuDNN's packed weight vector (``jax.experimental.rnn`` module docstring) by transposition:
``W_ih = w_x.T [4H, D]``, ``W_hh = w_h.T [4H, H]``, ``b_ih = b``, ``b_hh = 0`` (cuDNN has two
biases; only their sum matters, so the gradient of ``b`` is the gradient of ``b_ih``).

Padding semantics as ``recurrence.scan``: cuDNN runs each sequence for its own length; the
outputs at padded steps are set to zero and a sequence of length 0 keeps its initial state
(cuDNN needs lengths >= 1, so it is run for one step and that step is discarded: no gradient
flows from it). Reversal is done by the caller (``recurrence.scan`` reverses within lengths).

**Off by default.** ``recurrence.scan(impl="auto")`` takes this path only when ``ENABLED`` is
true (environment ``RNNLAB_CUDNN_LSTM=1`` at import, or ``kernels.cudnn_lstm.ENABLED = True``
before tracing), the default backend is a GPU with cuDNN's RNN lowering, and ``supports(cell)``
(float32 compute and parameters: ``jax.experimental.rnn`` supports no other dtype). Whether it
beats the fused kernel has not been measured yet (no GPU was available when this was written):
``experiments/benchmarks/gpu.py`` measures both, and its result decides the default.
"""
import os
from typing import Any, Callable

import jax
import jax.numpy as jnp

from rnnlab.cells.lstm import LSTM

ENV_VAR = "RNNLAB_CUDNN_LSTM"


def _enabled_from_environment() -> bool:
  value = os.environ.get(ENV_VAR, "0")
  if value not in ("0", "1"):
    raise ValueError(f"{ENV_VAR}={value!r}; allowed: '0' (fused kernel) or '1' (cuDNN on GPU)")
  return value == "1"


ENABLED = _enabled_from_environment()


def supports(cell: Any) -> bool:
  """True for exactly ``cells.LSTM`` without peepholes or layer norm, float32 throughout."""
  return (type(cell) is LSTM and not cell.peephole and not cell.layer_norm
          and jnp.dtype(cell.dtype) == jnp.float32 and jnp.dtype(cell.param_dtype) == jnp.float32)


def available() -> bool:
  """True when the default backend is a GPU and jaxlib has cuDNN's RNN (``gpu_rnn``)."""
  if jax.default_backend() != "gpu":
    return False
  from jax.experimental import rnn as jax_rnn  # pylint: disable=import-outside-toplevel
  return getattr(jax_rnn, "gpu_rnn", None) is not None


def pack_weights(params: dict) -> jax.Array:
  """rnnlab LSTM params (``w_x [D, 4H]``, ``w_h [H, 4H]``, ``b [4H]``) -> cuDNN's flat vector."""
  w_x, w_h, b = params["w_x"], params["w_h"], params["b"]
  return jnp.concatenate([w_x.T.reshape(-1), w_h.T.reshape(-1), b, jnp.zeros_like(b)])


def _cudnn_call(x, h0, c0, weights, seq_lengths, input_size, hidden_size):
  from jax.experimental import rnn as jax_rnn  # pylint: disable=import-outside-toplevel
  return jax_rnn.lstm(x, h0, c0, weights, seq_lengths, input_size, hidden_size, 1, 0.0, False)


def cudnn_lstm(cell: LSTM, params: dict, xs_tm: jax.Array, initial_state: Any,
               lengths: jax.Array | None, *,
               lstm_call: Callable[..., Any] = _cudnn_call) -> tuple[Any, jax.Array]:
  """One LSTM layer on cuDNN.

  Args:
    cell: a ``cells.LSTM`` accepted by ``supports``.
    params: its parameters.
    xs_tm: time-major raw inputs ``[T, B, D]`` (already reversed within lengths if needed).
    initial_state: ``(c, h)``, each ``[B, H]`` float32.
    lengths: int ``[B]`` in ``[0, T]``, or None (all T steps).
    lstm_call: ``(x [B, T, D], h0 [1, B, H], c0 [1, B, H], weights, seq_lengths [B] int32,
      input_size, hidden_size) -> (y [B, T, H], h_n, c_n)``; ``jax.experimental.rnn.lstm``
      (tests on CPU pass its pure-JAX reference).

  Returns:
    ``((c, h), ys [T, B, H])`` with the padding semantics of ``recurrence.scan``.
  """
  num_steps, batch, input_size = xs_tm.shape
  c0, h0 = initial_state
  seq_lengths = (jnp.full((batch,), num_steps, jnp.int32) if lengths is None
                 else jnp.maximum(lengths, 1).astype(jnp.int32))
  y, h_n, c_n = lstm_call(jnp.swapaxes(xs_tm, 0, 1).astype(jnp.float32), h0[None], c0[None],
                          pack_weights(params), seq_lengths, input_size, cell.hidden_size)
  ys = jnp.swapaxes(y, 0, 1)
  c, h = c_n[0], h_n[0]
  if lengths is not None:
    valid = jnp.arange(num_steps)[:, None] < lengths[None, :]  # [T, B]
    ys = jnp.where(valid[:, :, None], ys, jnp.zeros_like(ys))
    started = (lengths > 0)[:, None]
    c, h = jnp.where(started, c, c0), jnp.where(started, h, h0)
  return (c, h), ys.astype(cell.dtype)
