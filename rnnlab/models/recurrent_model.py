"""The recurrent model of the synthetic tasks (adding, copy, sequential digits).

``RecurrentModel(xs [B, T, D], deterministic)``: a :class:`rnnlab.nn.StackedRNN` of any
cells, then a linear read-out of every step (``read_out="all"``, ``[B, T, O]``) or of the
last one (``"last"``, ``[B, O]``). Outputs are float32 whatever the compute ``dtype``.

With ``block="residual"`` the D raw features first go through a linear encoder to the
blocks' width H (``input_projection``, ``[B, T, D] -> [B, T, H]``), as in Orvieto et al.
2023 (sec. 3, "linear encoder") and Griffin/Hawk (De et al. 2024): a residual block keeps
its width, and raw task features (adding: 2, copy: 10) are not an embedding of width H.
"""
from typing import Any, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab import nn as rnn

READ_OUTS = ("all", "last")


class RecurrentModel(nn.Module):
  """Stacked RNN + linear read-out; see the module docstring.

  Attributes:
    cells: one cell per layer (their ``dtype`` is the recurrence's compute dtype).
    num_outputs: O.
    read_out: ``READ_OUTS``.
    dropout_rate: dropout between stacked layers.
    block, unroll, remat, impl: passed to :class:`rnnlab.nn.StackedRNN`.
    dtype: compute dtype of the read-out.
  """
  cells: Sequence[Any]
  num_outputs: int
  read_out: str = "all"
  dropout_rate: float = 0.0
  block: str = "none"
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, xs: jax.Array, deterministic: bool = True) -> jax.Array:
    if self.read_out not in READ_OUTS:
      raise ValueError(f"read_out={self.read_out!r}; allowed: {READ_OUTS}")
    if self.block == "residual":
      xs = nn.Dense(self.cells[0].hidden_size, dtype=self.dtype, name="input_projection")(xs)
    _, ys = rnn.StackedRNN(cells=self.cells, dropout_rate=self.dropout_rate, block=self.block,
                           unroll=self.unroll, remat=self.remat, impl=self.impl)(
                               xs, deterministic=deterministic)
    if self.read_out == "last":
      ys = ys[:, -1]
    return nn.Dense(self.num_outputs, dtype=self.dtype)(ys).astype(jnp.float32)
