"""Flax Linen wrappers over the pure cells: ``RNN``, ``Bidirectional`` (stacks: ``rnnlab.nn.stacked``).

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
