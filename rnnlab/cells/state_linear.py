"""The state-linear cell contract: ``h_t = a_t * h_{t-1} + b_t``, run in parallel over time.

A cell whose recurrence is linear (elementwise, real or complex) in its state gives, besides
the ordinary contract (``init``, ``initial_state``, ``project``, ``step``, ``output``), two
time-parallel methods::

    a, b = cell.coefficients(params, gx)   # gx [..., G] (any leading axes, e.g. [B, T])
                                           # -> a, b: same pytree as the state, [..., H]
    y = cell.readout(params, h, gx)        # states h [..., H] (pytree) and the same gx
                                           # -> outputs y [..., H_out] (compute dtype)

``readout`` sees the projected input too, for cells with a skip term (the LRU's ``D x_t``).
With those two, ``recurrence.scan(..., impl="parallel")`` computes all T states at once with
``jax.lax.associative_scan`` (``rnnlab.kernels.parallel_scan``); ``impl="scan"`` runs the
same cell step by step. A cell may also give ``log_coefficients(params, gx) -> (log_a,
log_b)`` when ``a_t, b_t > 0`` (minGRU, minLSTM with their positive candidate ``g``); the
parallel path then uses the log-space scan of Feng et al. (2024) (Heinsen 2023), which
neither underflows nor overflows over long T.

``StateLinearCell`` derives ``step`` (and ``output``, ``__call__``) from the two methods, so
the sequential and parallel paths share one definition of the maths. A researcher's own
linear cell subclasses it (or implements the methods itself); ``is_state_linear(cell)``
tells ``recurrence.scan`` whether a cell has the contract.

State dtype: coefficients and states are float32 (complex64 for a complex cell) whatever the
compute dtype; ``readout`` returns the compute dtype.
"""
import dataclasses
from typing import Any

import jax
import jax.numpy as jnp

from rnnlab.cells.base import RecurrentCell


def is_state_linear(cell: Any) -> bool:
  """Whether ``cell`` has the state-linear contract (``coefficients`` and ``readout``)."""
  return callable(getattr(cell, "coefficients", None)) and callable(getattr(cell, "readout", None))


def linear_step(cell: Any, params: Any, state: Any, gx_t: jax.Array) -> tuple[Any, jax.Array]:
  """One step of a state-linear cell: ``h = a * state + b``; returns ``(h, readout(h))``."""
  a, b = cell.coefficients(params, gx_t)
  h = jax.tree.map(lambda a_, s, b_: a_ * s.astype(b_.dtype) + b_, a, state, b)
  return h, cell.readout(params, h, gx_t)


@dataclasses.dataclass(frozen=True)
class StateLinearCell(RecurrentCell):
  """Base of the state-linear cells: ``step`` is derived from ``coefficients``/``readout``.

  Subclasses implement ``project`` (or use ``x @ w_x + b``), ``coefficients`` and
  ``readout`` (see the module docstring), and ``_init_params`` or ``init``.
  """

  def coefficients(self, params: Any, gx: jax.Array) -> tuple[Any, Any]:
    raise NotImplementedError

  def readout(self, params: Any, h: Any, gx: jax.Array) -> jax.Array:
    """The output read from the states ``h [..., H]``: ``h`` itself in the compute dtype."""
    del params, gx
    return h.astype(self.dtype)

  def step(self, params: Any, state: Any, gx_t: jax.Array) -> tuple[Any, jax.Array]:
    """One step ``h_t = a_t * h_{t-1} + b_t``; returns ``(h_t, readout(h_t))``."""
    return linear_step(self, params, state, gx_t)
