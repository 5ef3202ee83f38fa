"""Chunked rematerialisation: BPTT memory O(T/K * state + K * activations), projection included.

``remat=True`` on a plain scan still keeps the projected inputs ``gx [T, B, G]`` and their
cotangent alive for all T steps (G = 4H for an LSTM), which is most of the memory. Here the
sequence is cut into chunks of ``K`` steps; an outer ``lax.scan`` over chunks runs a
``jax.checkpoint``-ed body that projects the chunk's raw inputs *inside* (``cell.project``)
and runs the inner recurrence (a fused kernel or the plain scan) over the ``K`` steps. The
backward pass keeps only the state at chunk boundaries and recomputes one chunk at a time.

Default ``K``: a divisor of T in ``[sqrt(T), 2 sqrt(T)]`` if there is one, else ``ceil(sqrt(T))``
with the tail padded by masked steps (state frozen, outputs zero, sliced off).
"""
import math
from typing import Any, Callable

import jax
import jax.numpy as jnp


def default_chunk(num_steps: int) -> int:
  """Chunk length for ``num_steps`` (see the module docstring)."""
  if num_steps <= 0:
    raise ValueError(f"num_steps={num_steps!r}; allowed: an int > 0")
  root = math.isqrt(num_steps)
  if root * root < num_steps:
    root += 1
  for k in range(root, min(2 * root, num_steps) + 1):
    if num_steps % k == 0:
      return k
  return root


def chunked_remat_scan(cell: Any, params: Any, xs: jax.Array, initial_state: Any,
                       mask: jax.Array | None, *, inner: Callable[..., Any],
                       chunk: int | None = None) -> tuple[Any, jax.Array]:
  """Runs ``cell`` over time-major raw inputs ``xs [T, B, D]`` with chunked remat.

  Args:
    cell: a cell (``project``, ``step``).
    params: the cell's parameters.
    xs: time-major raw inputs ``[T, B, D]`` (already reversed within lengths if needed).
    initial_state: state pytree with leading ``[B]``.
    mask: bool ``[T, B]`` (True at valid steps) or None.
    inner: ``inner(cell, params, gx [K, B, G], state, mask [K, B] | None) -> (state, ys)``
      with the padding semantics of ``recurrence.scan`` (a fused kernel or the plain scan).
    chunk: steps per checkpointed chunk ``K``; ``default_chunk(T)`` if None.

  Returns:
    ``(final_state, ys [T, B, H])``.
  """
  num_steps, batch = xs.shape[0], xs.shape[1]
  k = default_chunk(num_steps) if chunk is None else chunk
  if isinstance(k, bool) or not isinstance(k, int) or k < 1:
    raise ValueError(f"chunk={chunk!r}; allowed: an int >= 1 or None")
  num_chunks = -(-num_steps // k)
  padded = num_chunks * k
  if padded != num_steps:
    if mask is None:
      mask = jnp.ones((num_steps, batch), bool)
    xs = jnp.concatenate([xs, jnp.zeros((padded - num_steps,) + xs.shape[1:], xs.dtype)])
    mask = jnp.concatenate([mask, jnp.zeros((padded - num_steps, batch), bool)])
  xs_chunks = xs.reshape((num_chunks, k) + xs.shape[1:])
  mask_chunks = None if mask is None else mask.reshape(num_chunks, k, batch)

  @jax.checkpoint
  def body(state, inputs):
    xs_c, mask_c = inputs
    return inner(cell, params, cell.project(params, xs_c), state, mask_c)

  final_state, ys = jax.lax.scan(body, initial_state, (xs_chunks, mask_chunks))
  ys = ys.reshape((padded,) + ys.shape[2:])
  return final_state, ys[:num_steps]
