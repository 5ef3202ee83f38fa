"""The recurrent model of the synthetic tasks, built from the ``model`` config section.

``model.cell`` names a cell in ``rnnlab.cells.CELLS``; its hyperparameters live in the
section of the same name (``model.lstm.forget_bias``, ``model.gru.reset_after``, ...), so
``--config.model.cell=gru`` switches architecture without touching other keys. A cell
registered later with ``rnnlab.cells.register_cell`` and no section gets its defaults.
"""
from typing import Any, Sequence

import flax.linen as nn
import jax
import ml_collections

from rnnlab import cells
from rnnlab import nn as rnn

READ_OUTS = ("all", "last")


def default_model_config() -> ml_collections.ConfigDict:
  """``model`` section keys shared by the tasks that use :class:`RecurrentModel`."""
  return ml_collections.ConfigDict(dict(
      cell="lstm",
      hidden_size=128,
      num_layers=1,
      dropout_rate=0.0,  # between stacked layers
      unroll=1,  # lax.scan unroll factor
      impl="auto",  # recurrence implementation: "auto" | "scan" | "fused"
      lstm=dict(forget_bias=1.0, peephole=False, layer_norm=False, recurrent_init="default"),
      gru=dict(reset_after=True, recurrent_init="default"),
      elman=dict(activation="tanh", recurrent_init="default"),
      irnn=dict(),  # ReLU + identity recurrent init (Le et al. 2015)
  ))


def cell_hparams(model_config: ml_collections.ConfigDict) -> dict[str, Any]:
  """The hyperparameters of ``model_config.cell``, from its section if it has one."""
  section = model_config.get(model_config.cell)
  return dict(section) if section is not None else {}


def make_cells(model_config: ml_collections.ConfigDict) -> tuple[Any, ...]:
  """One cell per layer. Raises ValueError naming the cell and its bad hyperparameters."""
  return tuple(
      cells.make_cell(model_config.cell, hidden_size=model_config.hidden_size,
                      **cell_hparams(model_config))
      for _ in range(model_config.num_layers))


def validate_model_config(model_config: ml_collections.ConfigDict) -> None:
  """Range checks and a trial construction of the cell (catches bad hyperparameters)."""
  for key in ("hidden_size", "num_layers", "unroll"):
    if model_config[key] < 1:
      raise ValueError(f"config.model.{key} must be >= 1, got {model_config[key]!r}")
  if not 0.0 <= model_config.dropout_rate < 1.0:
    raise ValueError(f"config.model.dropout_rate must be in [0, 1), got "
                     f"{model_config.dropout_rate!r}")
  try:
    cell = make_cells(model_config)[0]
    cell.init(jax.random.key(0), 1)
  except ValueError as error:
    raise ValueError(f"config.model.{model_config.cell} (hyperparameters of cell "
                     f"{model_config.cell!r}): {error}") from error


class RecurrentModel(nn.Module):
  """Stacked RNN + linear read-out.

  ``__call__(xs [B, T, D], deterministic) -> [B, T, O]`` (``read_out="all"``) or
  ``[B, O]`` (``read_out="last"``: the output of the last time step).
  """
  cells: Sequence[Any]
  num_outputs: int
  read_out: str = "all"
  dropout_rate: float = 0.0
  unroll: int = 1
  impl: str = "auto"

  @nn.compact
  def __call__(self, xs: jax.Array, deterministic: bool = True) -> jax.Array:
    _, ys = rnn.StackedRNN(cells=self.cells, dropout_rate=self.dropout_rate,
                           unroll=self.unroll, impl=self.impl)(xs, deterministic=deterministic)
    if self.read_out == "last":
      ys = ys[:, -1]
    return nn.Dense(self.num_outputs)(ys)


def build_model(model_config: ml_collections.ConfigDict, *, num_outputs: int,
                read_out: str) -> RecurrentModel:
  if read_out not in READ_OUTS:
    raise ValueError(f"read_out={read_out!r}; allowed: {READ_OUTS}")
  return RecurrentModel(cells=make_cells(model_config), num_outputs=num_outputs,
                        read_out=read_out, dropout_rate=model_config.dropout_rate,
                        unroll=model_config.unroll, impl=model_config.impl)
