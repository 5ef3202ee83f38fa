"""PyTorch ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` <-> rnnlab cells, params and Flax variables.

Import::

    imported = from_torch(torch_lstm)              # cells, per-layer params, layout flags
    final_states, ys = imported.apply(xs, lengths)  # == torch_lstm(xs), same data layout
    model, variables = imported.stacked_rnn(), imported.variables()   # Flax StackedRNN

Export::

    module = to_torch(cells, params, bidirectional=True, batch_first=True)
    module = stacked_to_torch(stacked_rnn_model, variables)
    load_into_torch(existing_module, cells, params)

Per-layer params are the list ``rnnlab.recurrence.stack`` takes (``{"forward", "backward"}``
trees with ``bidirectional_layers=True``). Weight layouts and the bias convention are in
``layout``; states (``h_0``, ``c_0``, ``h_n``, ``c_n``) in ``states``. ``batch_first`` only
changes the data layout: ``batch_first=False`` (PyTorch's default) is rnnlab's
``time_major=True``. PyTorch's dropout between layers maps to ``StackedRNN.dropout_rate``
(the random masks differ, so outputs agree only without dropout, e.g. in eval mode).
"""
import dataclasses
from typing import Any, Sequence

import jax
import numpy as np
import torch

from rnnlab import recurrence
from rnnlab.nn import StackedRNN, stacked_params_to_list
from third_party.torch_bridge import layout

_MODULE_CLASSES = {"RNN_TANH": torch.nn.RNN, "RNN_RELU": torch.nn.RNN, "LSTM": torch.nn.LSTM,
                   "GRU": torch.nn.GRU}


def _check_torch_module(module: Any) -> None:
  if not isinstance(module, torch.nn.RNNBase) or module.mode not in layout.TORCH_MODES:
    raise ValueError(f"module {type(module).__name__} is not a PyTorch nn.RNN, nn.LSTM or nn.GRU")
  if getattr(module, "proj_size", 0):
    raise ValueError(f"nn.LSTM(proj_size={module.proj_size}) has no rnnlab equivalent "
                     "(rnnlab's LSTM has no output projection); allowed: proj_size=0")


def tensor_to_numpy(tensor: torch.Tensor) -> np.ndarray:
  """A detached CPU copy of ``tensor`` as NumPy (bfloat16 and other non-NumPy dtypes -> float32)."""
  tensor = tensor.detach().cpu()
  if tensor.dtype not in (torch.float16, torch.float32, torch.float64):
    tensor = tensor.float()
  return tensor.numpy()


def stacked_variables(params: Sequence[Any], bidirectional: bool = False) -> dict:
  """Per-layer params -> the Flax variables of ``rnnlab.nn.StackedRNN`` (``{"params": {...}}``).

  The inverse of ``rnnlab.nn.stacked_params_to_list``.
  The layout is the same either way (``layer_{l}`` holds ``{"forward", "backward"}`` for a
  bidirectional layer); ``bidirectional`` checks that the trees have it.
  """
  tree = {}
  for layer, layer_params in enumerate(params):
    if bidirectional and set(layer_params) != {"forward", "backward"}:
      raise ValueError(f"bidirectional layer {layer} needs 'forward' and 'backward' params, "
                       f"got keys {sorted(layer_params)}")
    tree[f"layer_{layer}"] = layer_params
  return {"params": tree}


@dataclasses.dataclass(frozen=True)
class TorchImport:
  """An imported PyTorch recurrent module.

  Attributes:
    cells: one rnnlab cell per layer.
    params: per-layer params, as ``recurrence.stack`` takes them.
    bidirectional: whether every layer is bidirectional (outputs concatenated, as PyTorch).
    batch_first: PyTorch's data layout flag (``False`` means time-major ``[T, B, D]``).
    dropout_rate: PyTorch's dropout between layers.
  """

  cells: tuple[Any, ...]
  params: list[Any]
  bidirectional: bool
  batch_first: bool
  dropout_rate: float

  def apply(self, xs: jax.Array, lengths: jax.Array | None = None,
            initial_states: Sequence[Any] | None = None, *, params: Sequence[Any] | None = None,
            **scan_kwargs) -> tuple[list[Any], jax.Array]:
    """Runs the stack (no dropout) like the PyTorch module in eval mode.

    Args:
      xs: ``[B, T, D]`` if ``batch_first`` else ``[T, B, D]``.
      lengths: optional int ``[B]`` (PyTorch: a packed sequence with these lengths).
      initial_states: per-layer states, e.g. ``states.states_from_torch(...)``.
      params: per-layer params to use instead of ``self.params`` (to differentiate them).

    Returns:
      ``(final_states, ys)`` as ``recurrence.stack``; ``ys`` in the layout of ``xs``.
    """
    return recurrence.stack(self.cells, self.params if params is None else params, xs,
                            lengths=lengths, initial_states=initial_states,
                            bidirectional_layers=self.bidirectional,
                            time_major=not self.batch_first, **scan_kwargs)

  def stacked_rnn(self) -> StackedRNN:
    """The equivalent Flax ``StackedRNN`` (batch-major ``[B, T, D]`` inputs)."""
    return StackedRNN(cells=self.cells, dropout_rate=self.dropout_rate,
                      bidirectional=self.bidirectional)

  def variables(self) -> dict:
    """The Flax variables of ``stacked_rnn()``."""
    return stacked_variables(self.params, self.bidirectional)


def cells_from_torch(module: Any, **cell_kwargs) -> tuple[Any, ...]:
  """One rnnlab cell per layer computing what ``module`` computes (``cell_kwargs``: e.g. dtypes)."""
  _check_torch_module(module)
  cell = layout.cell_for_mode(module.mode, module.hidden_size, **cell_kwargs)
  return (cell,) * module.num_layers


def from_torch(module: Any, **cell_kwargs) -> TorchImport:
  """Imports a PyTorch ``nn.RNN`` (tanh/relu), ``nn.LSTM`` (``proj_size=0``) or ``nn.GRU``.

  ``cell_kwargs`` go to the rnnlab cells (e.g. ``param_dtype``, ``dtype``); params are cast
  to ``param_dtype``. A module built with ``bias=False`` imports with zero biases.
  """
  cells = cells_from_torch(module, **cell_kwargs)
  state_dict = {name: tensor_to_numpy(tensor) for name, tensor in module.state_dict().items()}
  params = layout.params_from_state_dict(cells, state_dict, module.bidirectional)
  return TorchImport(cells=cells, params=params, bidirectional=module.bidirectional,
                     batch_first=module.batch_first, dropout_rate=float(module.dropout))


def load_into_torch(module: Any, cells: Sequence[Any], params: Sequence[Any]) -> None:
  """Copies per-layer rnnlab params into an existing PyTorch module (in place).

  The module's kind, hidden size, layer count, input size and direction count must match;
  a module built with ``bias=False`` accepts only params whose biases are all zero.
  """
  _check_torch_module(module)
  mode = layout.check_uniform_layers(cells)
  bidirectional = bool(module.bidirectional)
  wanted = (mode, cells[0].hidden_size, len(cells))
  found = (module.mode, module.hidden_size, module.num_layers)
  if wanted != found:
    raise ValueError(f"module has (mode, hidden_size, num_layers) = {found}; "
                     f"the params need {wanted}")
  state_dict = layout.params_to_state_dict(cells, params, bidirectional)
  input_size = state_dict["weight_ih_l0"].shape[1]
  if input_size != module.input_size:
    raise ValueError(f"params have input size {input_size}; "
                     f"module has input_size={module.input_size}")
  if not module.bias:
    for name in [name for name in state_dict if name.startswith("bias")]:
      if state_dict.pop(name).any():
        raise ValueError(f"module has bias=False but {name} is non-zero; allowed: zero biases")
  with torch.no_grad():
    module.load_state_dict({name: torch.from_numpy(arr.copy()) for name, arr in state_dict.items()},
                           strict=True)


def to_torch(cells: Any, params: Sequence[Any], *, bidirectional: bool = False,
             batch_first: bool = False, dropout: float = 0.0,
             dtype: torch.dtype = torch.float32) -> torch.nn.Module:
  """A new PyTorch module holding rnnlab params.

  Args:
    cells: one cell per layer, or a single cell used for every layer.
    params: per-layer params (``{"forward", "backward"}`` trees if ``bidirectional``).
    bidirectional: whether the layers are bidirectional.
    batch_first: the PyTorch module's data layout.
    dropout: PyTorch's dropout between layers.
    dtype: the PyTorch parameter dtype.

  Returns:
    ``nn.RNN`` (tanh/relu), ``nn.LSTM`` or ``nn.GRU`` with ``bias=True``.
  """
  cells = tuple(cells) if isinstance(cells, (list, tuple)) else (cells,) * len(params)
  mode = layout.check_uniform_layers(cells)
  first = params[0]["forward"] if bidirectional else params[0]
  kwargs = {}
  if mode.startswith("RNN"):
    kwargs["nonlinearity"] = "tanh" if mode == "RNN_TANH" else "relu"
  module = _MODULE_CLASSES[mode](input_size=int(first["w_x"].shape[0]),
                                 hidden_size=cells[0].hidden_size, num_layers=len(cells),
                                 bias=True, batch_first=batch_first, dropout=dropout,
                                 bidirectional=bidirectional, dtype=dtype, **kwargs)
  load_into_torch(module, cells, params)
  return module


def stacked_to_torch(model: StackedRNN, variables: dict, *, batch_first: bool = False,
                     dtype: torch.dtype = torch.float32) -> torch.nn.Module:
  """A Flax ``StackedRNN`` and its variables -> the equivalent PyTorch module."""
  if model.residual:
    raise ValueError("StackedRNN(residual=True) has no PyTorch equivalent; allowed: residual=False")
  params = stacked_params_to_list(variables, len(model.cells), model.bidirectional)
  return to_torch(tuple(model.cells), params, bidirectional=model.bidirectional,
                  batch_first=batch_first, dropout=model.dropout_rate, dtype=dtype)

