"""Cells by name, for configs: ``make_cell("lstm", hidden_size=256, forget_bias=1.0)``."""
from typing import Any, Callable

from rnnlab.cells.base import RecurrentCell
from rnnlab.cells.elman import Elman
from rnnlab.cells.gru import GRU
from rnnlab.cells.lru import LRU
from rnnlab.cells.lstm import LSTM
from rnnlab.cells.mingru import MinGRU
from rnnlab.cells.minlstm import MinLSTM
from rnnlab.cells.rglru import RGLRU


def _irnn(**kwargs) -> Elman:
  """IRNN (Le et al. 2015): ReLU Elman RNN with identity recurrent initialisation."""
  kwargs.setdefault("activation", "relu")
  kwargs.setdefault("recurrent_init", "identity")
  return Elman(**kwargs)


CELLS: dict[str, Callable[..., RecurrentCell]] = {
    "elman": Elman,
    "irnn": _irnn,
    "lstm": LSTM,
    "gru": GRU,
    # State-linear cells (recurrence.scan(..., impl="parallel")):
    "mingru": MinGRU,
    "minlstm": MinLSTM,
    "lru": LRU,
    "rglru": RGLRU,
}


def register_cell(name: str, factory: Callable[..., Any]) -> None:
  """Makes a researcher's own cell available to configs as ``model.cell=name``."""
  if name in CELLS:
    raise ValueError(f"cell name {name!r} is already registered; registered: {sorted(CELLS)}")
  CELLS[name] = factory


def make_cell(name: str, **hparams) -> Any:
  """Builds the cell registered as ``name`` with ``hparams``; unknown names/keys raise ValueError."""
  if name not in CELLS:
    raise ValueError(f"unknown cell {name!r}; allowed: {sorted(CELLS)}")
  try:
    return CELLS[name](**hparams)
  except TypeError as e:
    raise ValueError(f"cell {name!r}: bad hyperparameters {sorted(hparams)}: {e}") from e
