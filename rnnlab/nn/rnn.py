"""Flax Linen wrappers over the pure cells: ``RNN``, ``Bidirectional``, ``StackedRNN``.

The parameters are created by the cell's own ``init``, so a model's params are an ordinary
Flax tree (``{"cell": {"w_x": ..., ...}}`` for ``RNN``), and the maths is the pure
``rnnlab.recurrence`` code.
"""
from typing import Any, Sequence

import flax.linen as nn

from rnnlab import recurrence


def _cell_param(module: nn.Module, name: str, cell: Any, input_size: int):
  return module.param(name, lambda key: cell.init(key, input_size))


class RNN(nn.Module):
  """One recurrent layer. ``__call__(xs [B, T, D], lengths [B] | None) -> (final_state, ys [B, T, H])``."""

  cell: Any
  time_major: bool = False
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"

  @nn.compact
  def __call__(self, xs, lengths=None, initial_state=None, reverse=False):
    params = _cell_param(self, "cell", self.cell, xs.shape[-1])
    return recurrence.scan(self.cell, params, xs, lengths=lengths, reverse=reverse,
                           initial_state=initial_state, time_major=self.time_major,
                           unroll=self.unroll, remat=self.remat, impl=self.impl)


class Bidirectional(nn.Module):
  """Forward + backward layer. Returns ``((fw_state, bw_state), ys)``, ys merged by ``merge``."""

  forward_cell: Any
  backward_cell: Any
  merge: str = "concat"
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"

  @nn.compact
  def __call__(self, xs, lengths=None, initial_states=None):
    params = {"forward": _cell_param(self, "forward", self.forward_cell, xs.shape[-1]),
              "backward": _cell_param(self, "backward", self.backward_cell, xs.shape[-1])}
    return recurrence.bidirectional(self.forward_cell, self.backward_cell, params, xs,
                                    lengths=lengths, merge=self.merge, initial_states=initial_states,
                                    unroll=self.unroll, remat=self.remat, impl=self.impl)


class StackedRNN(nn.Module):
  """A deep (optionally bidirectional, residual) RNN; dropout between layers.

  ``__call__(xs [B, T, D], lengths, initial_states, deterministic)`` returns
  ``(final_states, ys)`` with one final state per layer. Dropout draws from the Flax rng
  stream ``"dropout"`` when ``deterministic=False``.
  """

  cells: Sequence[Any]
  dropout_rate: float = 0.0
  residual: bool = False
  bidirectional: bool = False
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"

  @nn.compact
  def __call__(self, xs, lengths=None, initial_states=None, deterministic=True):
    sizes = recurrence.layer_input_sizes(self.cells, xs.shape[-1], self.bidirectional)
    params = []
    for layer, (cell, size) in enumerate(zip(self.cells, sizes)):
      if self.bidirectional:
        params.append({"forward": _cell_param(self, f"layer_{layer}_forward", cell, size),
                       "backward": _cell_param(self, f"layer_{layer}_backward", cell, size)})
      else:
        params.append(_cell_param(self, f"layer_{layer}", cell, size))
    use_dropout = self.dropout_rate > 0.0 and not deterministic
    key = self.make_rng("dropout") if use_dropout else None
    return recurrence.stack(self.cells, params, xs, lengths=lengths, initial_states=initial_states,
                            dropout_rate=self.dropout_rate, key=key, residual=self.residual,
                            bidirectional_layers=self.bidirectional, unroll=self.unroll,
                            remat=self.remat, impl=self.impl)


def stacked_params_to_list(variables: dict, num_layers: int, bidirectional: bool = False) -> list:
  """The per-layer param trees of a ``StackedRNN``'s ``params`` collection, in layer order."""
  params = variables.get("params", variables)
  if bidirectional:
    return [{"forward": params[f"layer_{i}_forward"], "backward": params[f"layer_{i}_backward"]}
            for i in range(num_layers)]
  return [params[f"layer_{i}"] for i in range(num_layers)]


