"""Fast paths with the same maths as the plain scan (fused BPTT, parallel scans).

The parallel path of state-linear cells (``kernels.parallel_scan.parallel_scan``, used by
``recurrence.scan(..., impl="parallel")``) needs no registration: any cell with the
state-linear contract (``rnnlab.cells.state_linear``) has it.

A fast path is registered per cell type with ``register_fused(cell_type, fn, supports,
projection_bias)``; ``projection_bias`` names the bias of a built-in cell whose projection is
``x @ w_x + b``, which ``recurrence.scan`` then computes with ``kernels.projection`` (a fused
time-major projection) instead of ``cell.project``. Cells without a fast path get the same
projection when they declare it token-wise (``projection.token_wise_bias``: a class attribute
``projection_bias``, or a ``RecurrentCell`` subclass that keeps the inherited ``project``).
``recurrence.scan(..., impl="auto")`` asks ``find_fused(cell)``; a cell without a registered
fast path (a researcher's own cell) runs on the plain ``lax.scan``.

A fused function has the signature::

    fn(cell, params, gx, initial_state, mask, *, unroll) -> (final_state, ys)

with time-major ``gx [T, B, G]`` (the output of ``cell.project``), ``mask [T, B]`` bool or
None, and the padding semantics of ``recurrence.scan`` (state frozen and output zero at
masked steps). Reversal is handled by the caller.
"""
from typing import Any, Callable

_FUSED: dict[type, tuple[Callable[..., Any], Callable[[Any], bool], str | None]] = {}


def register_fused(cell_type: type, fn: Callable[..., Any],
                   supports: Callable[[Any], bool] = lambda cell: True,
                   projection_bias: str | None = None) -> None:
  """Registers ``fn`` as the fast path for cells of exactly ``cell_type`` accepted by ``supports``.

  ``projection_bias``: if the cell's ``project`` is exactly ``x @ params["w_x"] +
  params[projection_bias]`` token by token, the name of that bias; ``recurrence.scan`` then
  uses the fused time-major projection (``kernels.projection``). None keeps ``cell.project``.
  """
  _FUSED[cell_type] = (fn, supports, projection_bias)


def _registered(cell: Any) -> tuple[Callable[..., Any], Callable[[Any], bool], str | None] | None:
  """The registry entry for exactly ``type(cell)`` if its ``supports`` accepts ``cell``."""
  entry = _FUSED.get(type(cell))
  if entry is None or not entry[1](cell):
    return None
  return entry


def find_fused(cell: Any) -> Callable[..., Any] | None:
  """The fast path for ``cell``, or None (exact type match: subclasses may change the maths)."""
  entry = _registered(cell)
  return None if entry is None else entry[0]


def find_projection_bias(cell: Any) -> str | None:
  """The bias name for the fused projection of ``cell``, or None (keep ``cell.project``).

  A registered fast path's ``projection_bias`` (see ``register_fused``); for any other cell,
  ``projection.token_wise_bias(cell)`` (the cell's declaration, or the inherited
  ``RecurrentCell.project``).
  """
  entry = _registered(cell)
  if entry is not None:
    return entry[2]
  return projection.token_wise_bias(cell)


def find_cudnn(cell: Any) -> Callable[..., Any] | None:
  """cuDNN's LSTM (``kernels.cudnn_lstm``) for ``cell``, or None.

  Only when ``cudnn_lstm.ENABLED`` (off by default until the GPU benchmark shows it faster),
  on a GPU backend with cuDNN's RNN, for a cell ``cudnn_lstm.supports``. Signature:
  ``fn(cell, params, xs_tm [T, B, D], initial_state, lengths) -> (final_state, ys [T, B, H])``.
  """
  if not (cudnn_lstm.ENABLED and cudnn_lstm.supports(cell) and cudnn_lstm.available()):
    return None
  return cudnn_lstm.cudnn_lstm


# Built-in fast paths (imported last: they use ``register_fused`` above).
from rnnlab import cells as _cells  # noqa: E402
from rnnlab.kernels import (chunked_remat, cudnn_lstm, elman, gru, lstm, parallel_scan,  # noqa: E402
                            projection)
from rnnlab.kernels.chunked_remat import chunked_remat_scan, default_chunk  # noqa: E402
from rnnlab.kernels.elman import fused_elman  # noqa: E402
from rnnlab.kernels.gru import fused_gru  # noqa: E402
from rnnlab.kernels.lstm import fused_lstm  # noqa: E402
from rnnlab.kernels.parallel_scan import (linear_recurrence, log_linear_recurrence,  # noqa: E402
                                          uses_log_space)
from rnnlab.kernels.projection import project_time_major, token_wise_bias  # noqa: E402

register_fused(_cells.LSTM, fused_lstm, lstm.supports, projection_bias="b")
register_fused(_cells.GRU, fused_gru, gru.supports, projection_bias="b_x")
register_fused(_cells.Elman, fused_elman, elman.supports, projection_bias="b")
