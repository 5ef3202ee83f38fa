"""Cells by name, for configs: ``make_cell("lstm", hidden_size=256, forget_bias=1.0)``.

Every registered cell has hyperparameters a config can set (:func:`cell_hyperparameters`):
the fields of its dataclass, or the keyword parameters of its factory function, with their
defaults; ``hidden_size``, ``dtype`` and ``param_dtype`` (``MODEL_KEYS``) come from the
model, not from the cell's own section.
"""
import dataclasses
import inspect
from typing import Any, Callable

import jax.numpy as jnp

from rnnlab.cells.base import RecurrentCell
from rnnlab.cells.elman import Elman
from rnnlab.cells.gru import GRU
from rnnlab.cells.lru import LRU
from rnnlab.cells.lstm import LSTM
from rnnlab.cells.mingru import MinGRU
from rnnlab.cells.minlstm import MinLSTM
from rnnlab.cells.rglru import RGLRU

# Set by the model (config.model.hidden_size / dtype), never in a cell's own section.
MODEL_KEYS = ("hidden_size", "dtype", "param_dtype")


def _irnn(hidden_size: int, activation: str = "relu", recurrent_init: str = "identity",
          input_init: str = "default", init_scale: float | None = None,
          dtype: Any = jnp.float32, param_dtype: Any = jnp.float32) -> Elman:
  """IRNN (Le et al. 2015): ReLU Elman RNN with identity recurrent initialisation."""
  return Elman(hidden_size=hidden_size, activation=activation, recurrent_init=recurrent_init,
               input_init=input_init, init_scale=init_scale, dtype=dtype,
               param_dtype=param_dtype)


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


@dataclasses.dataclass(frozen=True)
class Hyperparameter:
  """One configurable hyperparameter of a cell: its default and annotated type (or None)."""
  default: Any
  annotation: Any = None


def cell_hyperparameters(name: str) -> dict[str, Hyperparameter]:
  """The hyperparameters of cell ``name`` a config section holds, in declaration order.

  From the dataclass fields of a cell class (``init=True`` fields), or the keyword
  parameters of a factory function; ``MODEL_KEYS`` and ``**kwargs`` are left out.

  Raises:
    ValueError: unknown ``name``, or a hyperparameter without a default (a config section
      needs one for every key).
  """
  if name not in CELLS:
    raise ValueError(f"unknown cell {name!r}; allowed: {sorted(CELLS)}")
  factory = CELLS[name]
  found: dict[str, Hyperparameter] = {}
  if dataclasses.is_dataclass(factory) and isinstance(factory, type):
    for field in dataclasses.fields(factory):
      if not field.init or field.name in MODEL_KEYS:
        continue
      if field.default is not dataclasses.MISSING:
        default = field.default
      elif field.default_factory is not dataclasses.MISSING:
        default = field.default_factory()
      else:
        raise ValueError(f"cell {name!r}: hyperparameter {field.name!r} has no default; "
                         "every hyperparameter but hidden_size needs one")
      found[field.name] = Hyperparameter(default, field.type)
    return found
  for param in inspect.signature(factory).parameters.values():
    if param.name in MODEL_KEYS or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
      continue
    if param.default is param.empty:
      raise ValueError(f"cell {name!r}: hyperparameter {param.name!r} has no default; "
                       "every hyperparameter but hidden_size needs one")
    annotation = None if param.annotation is param.empty else param.annotation
    found[param.name] = Hyperparameter(param.default, annotation)
  return found


def register_cell(name: str, factory: Callable[..., Any]) -> None:
  """Makes a researcher's own cell available to configs as ``model.cell=name``.

  ``factory(hidden_size=..., dtype=..., param_dtype=..., **hyperparameters)`` builds it:
  a frozen dataclass with the cell contract, or a function. Its hyperparameters (dataclass
  fields or keyword parameters, each with a default) become the config section
  ``model.<name>`` of every task.

  Raises:
    ValueError: the name is taken, or a hyperparameter has no default.
  """
  if name in CELLS:
    raise ValueError(f"cell name {name!r} is already registered; registered: {sorted(CELLS)}")
  CELLS[name] = factory
  try:
    cell_hyperparameters(name)
  except ValueError:
    del CELLS[name]
    raise


def make_cell(name: str, **hparams) -> Any:
  """Builds the cell registered as ``name`` with ``hparams``; unknown names/keys raise ValueError."""
  if name not in CELLS:
    raise ValueError(f"unknown cell {name!r}; allowed: {sorted(CELLS)}")
  try:
    return CELLS[name](**hparams)
  except TypeError as e:
    raise ValueError(f"cell {name!r}: bad hyperparameters {sorted(hparams)}: {e}") from e
