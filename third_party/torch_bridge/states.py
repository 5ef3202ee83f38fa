"""Recurrent states: PyTorch ``h_0, c_0, h_n, c_n`` vs rnnlab per-layer states (no torch import).

PyTorch stacks states as ``[L * num_directions, B, H]`` with row ``layer * num_directions +
direction`` (direction 1 = backward). ``rnnlab.recurrence.stack`` keeps one state per layer:
the cell's state (LSTM ``(c, h)``, GRU/Elman ``h``), or a ``(forward, backward)`` pair for
bidirectional layers. Works on any array type ``jnp.asarray`` reads; traceable by JAX, so
``states_to_torch`` can sit inside a differentiated loss.
"""
from typing import Any, Sequence

import jax
import jax.numpy as jnp

from third_party.torch_bridge import layout


def _is_lstm(cell: Any) -> bool:
  return layout.torch_mode(cell) == "LSTM"


def states_from_torch(cell: Any, h_0: Any, c_0: Any = None, *, num_layers: int,
                      bidirectional: bool = False) -> list[Any]:
  """PyTorch initial states -> ``initial_states`` for ``recurrence.stack`` / ``StackedRNN``.

  Args:
    cell: the (common) cell of every layer.
    h_0: ``[L * num_directions, B, H]``.
    c_0: same shape, LSTM only (required for it, refused otherwise).
    num_layers: L.
    bidirectional: whether num_directions is 2.

  Returns:
    A list of L per-layer states (float32).
  """
  lstm = _is_lstm(cell)
  if lstm != (c_0 is not None):
    need = "is required" if lstm else "is only allowed"
    raise ValueError(f"c_0 {need} for an LSTM; cell is {cell!r}")
  dirs = 2 if bidirectional else 1
  h_0 = jnp.asarray(h_0, jnp.float32)
  expected = (num_layers * dirs, cell.hidden_size)
  if h_0.ndim < 2 or (h_0.shape[0], h_0.shape[-1]) != expected:
    raise ValueError(f"h_0 has shape {h_0.shape}; expected [L * num_directions = {expected[0]}, "
                     f"B, H = {expected[1]}]")
  if lstm:
    c_0 = jnp.asarray(c_0, jnp.float32)
    if c_0.shape != h_0.shape:
      raise ValueError(f"c_0 has shape {c_0.shape}; expected h_0's shape {h_0.shape}")

  def one(row):
    return (c_0[row], h_0[row]) if lstm else h_0[row]

  if bidirectional:
    return [(one(2 * layer), one(2 * layer + 1)) for layer in range(num_layers)]
  return [one(layer) for layer in range(num_layers)]


def states_to_torch(cell: Any, final_states: Sequence[Any], *,
                    bidirectional: bool = False) -> tuple[jax.Array, jax.Array | None]:
  """``recurrence.stack``'s per-layer final states -> PyTorch ``(h_n, c_n)``.

  Returns ``h_n [L * num_directions, B, H]`` and, for an LSTM, ``c_n`` of the same shape
  (None otherwise).
  """
  rows = []
  for state in final_states:
    rows.extend(state if bidirectional else (state,))
  if _is_lstm(cell):
    return jnp.stack([h for _, h in rows]), jnp.stack([c for c, _ in rows])
  return jnp.stack(rows), None
