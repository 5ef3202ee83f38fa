"""Parameter layouts: rnnlab cells vs PyTorch ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (NumPy only).

This module does not import torch: it maps between rnnlab parameter dicts and PyTorch
``state_dict`` entries given as arrays. For layer ``k`` (suffix ``_reverse`` for the backward
direction of a bidirectional module), with ``G`` gates (Elman 1, GRU 3, LSTM 4)::

    rnnlab                PyTorch
    w_x  [D, G*H]         weight_ih_l{k}  [G*H, D]   (transpose)
    w_h  [H, G*H]         weight_hh_l{k}  [G*H, H]   (transpose)
    b    [G*H]            bias_ih_l{k} + bias_hh_l{k}     Elman and LSTM: one bias
    b_x, b_h [3H]         bias_ih_l{k}, bias_hh_l{k}      GRU keeps both

Gate orders are PyTorch's in both: LSTM (i, f, g, o), GRU (r, z, n). Importing sums the two
PyTorch biases of Elman/LSTM (one float addition in the stored dtype); exporting writes ``b``
to ``bias_ih`` and zeros to ``bias_hh``. Hence rnnlab -> PyTorch -> rnnlab is exact, and
PyTorch -> rnnlab -> PyTorch keeps every weight and GRU bias exactly and ``bias_ih +
bias_hh`` exactly (the split between the two is not kept: it does not change the maths).

Only cells with a PyTorch equivalent convert: ``Elman`` (tanh -> ``RNN_TANH``, relu ->
``RNN_RELU``), ``LSTM`` without peepholes or layer normalisation, ``GRU`` with
``reset_after=True``. Anything else raises ValueError.
"""
from typing import Any, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from rnnlab import cells as rnn_cells

TORCH_MODES = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")
_NUM_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_TORCH_DTYPES = (np.float16, np.float32, np.float64)


def torch_mode(cell: Any) -> str:
  """The PyTorch ``RNNBase.mode`` equivalent to ``cell``; ValueError if there is none."""
  kind = type(cell)
  if kind is rnn_cells.Elman:
    return {"tanh": "RNN_TANH", "relu": "RNN_RELU"}[cell.activation]
  if kind is rnn_cells.LSTM:
    if cell.peephole:
      raise ValueError("LSTM(peephole=True) has no PyTorch equivalent (nn.LSTM has no peepholes); "
                       "allowed: peephole=False")
    if cell.layer_norm:
      raise ValueError("LSTM(layer_norm=True) has no PyTorch equivalent (nn.LSTM has no layer "
                       "normalisation); allowed: layer_norm=False")
    return "LSTM"
  if kind is rnn_cells.GRU:
    if not cell.reset_after:
      raise ValueError("GRU(reset_after=False) has no PyTorch equivalent (nn.GRU is reset-after); "
                       "allowed: reset_after=True")
    return "GRU"
  raise ValueError(f"cell {cell!r} has no PyTorch equivalent; allowed: rnnlab.cells.Elman, "
                   "LSTM (no peepholes, no layer norm), GRU (reset_after=True)")


def cell_for_mode(mode: str, hidden_size: int, **cell_kwargs) -> Any:
  """The rnnlab cell computing what a PyTorch module of ``mode`` computes."""
  if mode == "LSTM":
    return rnn_cells.LSTM(hidden_size=hidden_size, **cell_kwargs)
  if mode == "GRU":
    return rnn_cells.GRU(hidden_size=hidden_size, reset_after=True, **cell_kwargs)
  if mode in ("RNN_TANH", "RNN_RELU"):
    activation = "tanh" if mode == "RNN_TANH" else "relu"
    return rnn_cells.Elman(hidden_size=hidden_size, activation=activation, **cell_kwargs)
  raise ValueError(f"PyTorch mode {mode!r}; allowed: {TORCH_MODES}")


def check_uniform_layers(cells: Sequence[Any]) -> str:
  """Returns the common PyTorch mode; PyTorch needs one cell kind and hidden size for all layers."""
  if len(cells) == 0:
    raise ValueError("cells is empty; allowed: one cell per layer, at least one")
  modes = [torch_mode(cell) for cell in cells]
  sizes = [cell.hidden_size for cell in cells]
  if len(set(modes)) != 1 or len(set(sizes)) != 1:
    raise ValueError(f"PyTorch needs the same cell kind and hidden size in every layer; got modes "
                     f"{modes} and hidden sizes {sizes}")
  return modes[0]


def torch_param_name(kind: str, layer: int, reverse: bool = False) -> str:
  """``"weight_ih"`` etc. -> the PyTorch parameter name, e.g. ``"weight_ih_l1_reverse"``."""
  if kind not in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
    raise ValueError(f"kind={kind!r}; allowed: weight_ih, weight_hh, bias_ih, bias_hh")
  return f"{kind}_l{layer}" + ("_reverse" if reverse else "")


def to_numpy(x: Any) -> np.ndarray:
  """A NumPy array PyTorch can read (bfloat16 and other non-NumPy floats become float32)."""
  arr = np.asarray(jax.device_get(x))
  return arr if arr.dtype in _TORCH_DTYPES else arr.astype(np.float32)


def _check_shape(name: str, arr: np.ndarray, expected: tuple[int, ...]) -> None:
  if tuple(arr.shape) != expected:
    raise ValueError(f"{name} has shape {tuple(arr.shape)}; expected {expected}")


def cell_params_to_torch(cell: Any, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
  """One direction of one layer: rnnlab params -> ``weight_ih, weight_hh, bias_ih, bias_hh``.

  Returns a dict of NumPy arrays keyed by those four names (no layer suffix).
  """
  mode = torch_mode(cell)
  gh = _NUM_GATES[mode] * cell.hidden_size
  w_x, w_h = to_numpy(params["w_x"]), to_numpy(params["w_h"])
  if w_x.ndim != 2:
    raise ValueError(f"w_x has shape {w_x.shape}; expected [D, {gh}]")
  _check_shape("w_x", w_x, (w_x.shape[0], gh))
  _check_shape("w_h", w_h, (cell.hidden_size, gh))
  if mode == "GRU":
    bias_ih, bias_hh = to_numpy(params["b_x"]), to_numpy(params["b_h"])
    _check_shape("b_x", bias_ih, (gh,))
    _check_shape("b_h", bias_hh, (gh,))
  else:
    bias_ih = to_numpy(params["b"])
    _check_shape("b", bias_ih, (gh,))
    bias_hh = np.zeros_like(bias_ih)
  return {"weight_ih": np.ascontiguousarray(w_x.T), "weight_hh": np.ascontiguousarray(w_h.T),
          "bias_ih": bias_ih, "bias_hh": bias_hh}


def cell_params_from_torch(cell: Any, tensors: Mapping[str, Any]) -> dict[str, jax.Array]:
  """One direction of one layer: ``weight_ih, weight_hh[, bias_ih, bias_hh]`` -> rnnlab params.

  Missing biases (a PyTorch module built with ``bias=False``) become zeros. Arrays are cast
  to ``cell.param_dtype``.
  """
  mode = torch_mode(cell)
  gh = _NUM_GATES[mode] * cell.hidden_size
  weight_ih, weight_hh = to_numpy(tensors["weight_ih"]), to_numpy(tensors["weight_hh"])
  if weight_ih.ndim != 2:
    raise ValueError(f"weight_ih has shape {weight_ih.shape}; expected [{gh}, D]")
  _check_shape("weight_ih", weight_ih, (gh, weight_ih.shape[1]))
  _check_shape("weight_hh", weight_hh, (gh, cell.hidden_size))
  zeros = np.zeros((gh,), weight_ih.dtype)
  bias_ih = to_numpy(tensors["bias_ih"]) if "bias_ih" in tensors else zeros
  bias_hh = to_numpy(tensors["bias_hh"]) if "bias_hh" in tensors else zeros
  _check_shape("bias_ih", bias_ih, (gh,))
  _check_shape("bias_hh", bias_hh, (gh,))
  dtype = cell.param_dtype
  params = {"w_x": jnp.asarray(weight_ih.T, dtype), "w_h": jnp.asarray(weight_hh.T, dtype)}
  if mode == "GRU":
    params["b_x"] = jnp.asarray(bias_ih, dtype)
    params["b_h"] = jnp.asarray(bias_hh, dtype)
  else:
    params["b"] = jnp.asarray(bias_ih + bias_hh, dtype)
  return params


def _directions(bidirectional: bool) -> tuple[tuple[str | None, bool], ...]:
  return (("forward", False), ("backward", True)) if bidirectional else ((None, False),)


def params_to_state_dict(cells: Sequence[Any], params: Sequence[Any],
                         bidirectional: bool = False) -> dict[str, np.ndarray]:
  """Per-layer rnnlab params (as ``recurrence.stack`` takes them) -> a PyTorch ``state_dict``.

  Args:
    cells: one cell per layer (same kind and hidden size, as PyTorch requires).
    params: one param dict per layer; ``{"forward": ..., "backward": ...}`` if ``bidirectional``.
    bidirectional: whether the layers are bidirectional.

  Returns:
    ``{"weight_ih_l0": [G*H, D], ..., "bias_hh_l{L-1}_reverse": [G*H]}`` NumPy arrays.
  """
  check_uniform_layers(cells)
  if len(params) != len(cells):
    raise ValueError(f"got {len(params)} param trees for {len(cells)} layers; "
                     "allowed: one per layer")
  state_dict = {}
  for layer, (cell, layer_params) in enumerate(zip(cells, params)):
    for direction, reverse in _directions(bidirectional):
      tree = layer_params if direction is None else layer_params[direction]
      for kind, arr in cell_params_to_torch(cell, tree).items():
        state_dict[torch_param_name(kind, layer, reverse)] = arr
  return state_dict


def params_from_state_dict(cells: Sequence[Any], state_dict: Mapping[str, Any],
                           bidirectional: bool = False) -> list[Any]:
  """A PyTorch ``state_dict`` -> per-layer rnnlab params (inverse of ``params_to_state_dict``)."""
  check_uniform_layers(cells)
  params = []
  for layer, cell in enumerate(cells):
    trees = {}
    for direction, reverse in _directions(bidirectional):
      tensors = {}
      for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        name = torch_param_name(kind, layer, reverse)
        if name in state_dict:
          tensors[kind] = state_dict[name]
        elif kind.startswith("weight"):
          raise ValueError(f"state_dict has no {name!r}; it has {sorted(state_dict)}")
      trees[direction] = cell_params_from_torch(cell, tensors)
    params.append(trees[None] if not bidirectional else trees)
  return params
