"""The ``model`` config keys every task shares: the cell, its hyperparameters, the dtype.

``model.cell`` names a registered cell (``rnnlab.cells.CELLS``) and ``model.<cell>`` holds
that cell's hyperparameters, one section per registered cell, its keys and defaults read
from the cell itself (:func:`rnnlab.cells.cell_hyperparameters`): ``model.lstm.peephole``,
``model.gru.reset_after``, ... A cell registered with ``rnnlab.cells.register_cell`` before
the config is built (``rnnlab.main --import=my_module``) gets its section the same way.

``model.dtype`` (``DTYPES``) is the compute dtype of every cell, embedding, attention and
output layer; parameters are stored in float32, recurrent state and losses stay float32.
"""
import types
import typing
from typing import Any

import jax
import jax.numpy as jnp
import ml_collections
from ml_collections import config_dict

from rnnlab import cells
from rnnlab import nn as rnn
from rnnlab import recurrence

DTYPES = ("float32", "bfloat16")
_SCALAR_TYPES = (bool, int, float, str)


def _config_value(hparam: cells.Hyperparameter) -> Any:
  """A default as a config value; ``None`` becomes a typed placeholder (overridable by flag)."""
  if hparam.default is not None:
    return tuple(hparam.default) if isinstance(hparam.default, list) else hparam.default
  args = typing.get_args(hparam.annotation)
  if typing.get_origin(hparam.annotation) in (typing.Union, types.UnionType):
    scalar = [a for a in args if a in _SCALAR_TYPES]
    if len(scalar) == 1:
      return config_dict.placeholder(scalar[0])
  if hparam.annotation in _SCALAR_TYPES:
    return config_dict.placeholder(hparam.annotation)
  return config_dict.placeholder(float)


def cell_section(name: str) -> ml_collections.ConfigDict:
  """The config section of cell ``name``: its hyperparameters and their defaults."""
  return ml_collections.ConfigDict(
      {key: _config_value(h) for key, h in cells.cell_hyperparameters(name).items()})


def cell_config(cell: str = "lstm") -> ml_collections.ConfigDict:
  """``cell``, ``dtype`` and one section per registered cell (for a task's ``model``)."""
  config = ml_collections.ConfigDict(dict(cell=cell, dtype="float32"))
  for name in cells.CELLS:
    config[name] = cell_section(name)
  return config


def default_model_config() -> ml_collections.ConfigDict:
  """The ``model`` section of tasks with one stacked RNN (:class:`rnnlab.nn.StackedRNN`)."""
  config = cell_config()
  config.update(dict(
      hidden_size=128,
      num_layers=1,
      dropout_rate=0.0,  # between stacked layers
      unroll=1,  # lax.scan unroll factor
      remat=False,  # chunked rematerialisation of the recurrence (O(sqrt T) memory)
      impl="auto",  # recurrence implementation: rnnlab.recurrence.IMPLS
      block="none",  # rnnlab.nn.BLOCKS: "none" = plain recurrent layers
  ))
  return config


def config_choices() -> dict[str, tuple]:
  """Closed sets of :func:`default_model_config`'s keys, for ``Task.config_choices``."""
  return {"model.cell": tuple(cells.CELLS), "model.dtype": DTYPES,
          "model.impl": recurrence.IMPLS, "model.block": rnn.BLOCKS}


def compute_dtype(model_config: ml_collections.ConfigDict) -> Any:
  """``model.dtype`` as a JAX dtype; ValueError naming the allowed ones."""
  if model_config.dtype not in DTYPES:
    raise ValueError(f"config.model.dtype={model_config.dtype!r}; allowed: {DTYPES}")
  return jnp.dtype(model_config.dtype)


def cell_hparams(model_config: ml_collections.ConfigDict, name: str | None = None
                 ) -> dict[str, Any]:
  """The hyperparameters of cell ``name`` (default ``model.cell``) from its section.

  Raises:
    ValueError: an unknown cell, or a key its section should not have (names the cell and
      its allowed keys).
  """
  name = model_config.cell if name is None else name
  allowed = cells.cell_hyperparameters(name)
  section = model_config.get(name)
  hparams = {} if section is None else dict(section)
  for key in hparams:
    if key not in allowed:
      raise ValueError(f"config.model.{name}.{key}: cell {name!r} has no hyperparameter "
                       f"{key!r}; allowed keys: {sorted(allowed)}")
  return hparams


def make_cells(model_config: ml_collections.ConfigDict, *, name: str | None = None,
               hidden_size: int | None = None, num_layers: int | None = None
               ) -> tuple[Any, ...]:
  """One cell per layer: cell ``name`` (default ``model.cell``) with its section's
  hyperparameters, ``hidden_size`` (default ``model.hidden_size``) and ``model.dtype``.

  Raises ValueError naming the cell and its bad hyperparameters.
  """
  name = model_config.cell if name is None else name
  hparams = cell_hparams(model_config, name)
  size = model_config.hidden_size if hidden_size is None else hidden_size
  layers = model_config.num_layers if num_layers is None else num_layers
  dtype = compute_dtype(model_config)
  return tuple(cells.make_cell(name, hidden_size=size, dtype=dtype, **hparams)
               for _ in range(layers))


def validate_cell(model_config: ml_collections.ConfigDict, name: str | None = None,
                  hidden_size: int = 1) -> None:
  """A trial construction of the cell (catches bad hyperparameters), with a message naming
  its config section."""
  name = model_config.cell if name is None else name
  try:
    cell = make_cells(model_config, name=name, hidden_size=hidden_size, num_layers=1)[0]
    jax.eval_shape(lambda: cell.init(jax.random.key(0), 1))
  except ValueError as error:
    raise ValueError(f"config.model.{name} (hyperparameters of cell {name!r}): {error}"
                     ) from error


def validate_model_config(model_config: ml_collections.ConfigDict) -> None:
  """Range checks of :func:`default_model_config`'s keys and a trial build of the cell."""
  for key in ("hidden_size", "num_layers", "unroll"):
    if model_config[key] < 1:
      raise ValueError(f"config.model.{key} must be >= 1, got {model_config[key]!r}")
  if not 0.0 <= model_config.dropout_rate < 1.0:
    raise ValueError(f"config.model.dropout_rate must be in [0, 1), got "
                     f"{model_config.dropout_rate!r}")
  compute_dtype(model_config)
  if (model_config.get("block", "none") == "residual"
      and model_config.get("encoder", "sequence") == "sequence"):
    # What rnnlab.nn.StackedRNN refuses, said here before any data is built or file written.
    if model_config.get("bidirectional", False):
      raise ValueError("config.model.block='residual' runs forward only; allowed with it: "
                       "config.model.bidirectional=False")
    embed_size = model_config.get("embed_size", 0) or model_config.hidden_size  # LM: 0 = hidden
    if embed_size != model_config.hidden_size:
      raise ValueError(f"config.model.block='residual' keeps the width: the first layer reads "
                       f"config.model.embed_size={embed_size} features but "
                       f"config.model.hidden_size={model_config.hidden_size}; make them equal "
                       "or use block='none'")
  validate_cell(model_config, hidden_size=model_config.hidden_size)
