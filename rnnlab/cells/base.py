"""What every cell shares: validation, dtypes, ``__call__``, parameter initialisation.

A cell is a frozen dataclass of hyperparameters with pure methods (no framework state):

* ``init(key, input_size) -> params``        a dict of arrays
* ``initial_state(batch_shape) -> state``    float32 zeros
* ``project(params, xs) -> gx``              ``[..., D] -> [..., G]``, time-parallel
* ``step(params, state, gx_t) -> (state, y)`` one step on projected input, ``y [..., H]``
* ``__call__(params, state, x_t)``            project + step
* ``output(state) -> h``                     the hidden output held in a state

A researcher's own cell needs only these methods (subclassing ``RecurrentCell`` is a
convenience that brings validation and ``__call__``). Subclasses define
``num_gates`` and ``_init_params``; the input projection ``x @ w_x + b`` is shared
unless a cell overrides ``project``.

dtypes: ``dtype`` is the compute dtype of matmuls; ``param_dtype`` the storage dtype;
recurrent state and gate arithmetic stay float32 whatever the compute dtype.
"""
import dataclasses
from typing import Any, ClassVar

import jax
import jax.numpy as jnp

from rnnlab.cells import initializers

STATE_DTYPE = jnp.float32
_FLOAT_DTYPES = ("float32", "bfloat16", "float16", "float64")


def _check_dtype(value: Any, field: str) -> None:
  try:
    name = jnp.dtype(value).name
  except TypeError as e:
    raise ValueError(f"{field}={value!r} is not a dtype; allowed: {_FLOAT_DTYPES}") from e
  if name not in _FLOAT_DTYPES:
    raise ValueError(f"{field}={name!r} is not allowed; allowed: {_FLOAT_DTYPES}")


@dataclasses.dataclass(frozen=True)
class RecurrentCell:
  """Base of the built-in cells; see the module docstring for the contract."""

  hidden_size: int
  input_init: str = "default"
  recurrent_init: str = "default"
  init_scale: float | None = None
  dtype: Any = jnp.float32
  param_dtype: Any = jnp.float32

  num_gates: ClassVar[int] = 1

  def __post_init__(self):
    if isinstance(self.hidden_size, bool) or not isinstance(self.hidden_size, int) or self.hidden_size <= 0:
      raise ValueError(
          f"{type(self).__name__}: hidden_size={self.hidden_size!r}; allowed: an int > 0")
    initializers.check_initializer(self.input_init, "input_init")
    initializers.check_initializer(self.recurrent_init, "recurrent_init")
    _check_dtype(self.dtype, "dtype")
    _check_dtype(self.param_dtype, "param_dtype")

  # ---- parameters -------------------------------------------------------------
  def init(self, key: jax.Array, input_size: int) -> dict:
    """Returns the parameter dict for inputs of size ``input_size`` (D)."""
    if isinstance(input_size, bool) or not isinstance(input_size, int) or input_size <= 0:
      raise ValueError(f"{type(self).__name__}.init: input_size={input_size!r}; allowed: an int > 0")
    k_input, k_recurrent, k_extra = jax.random.split(key, 3)
    return self._init_params(input_key=k_input, recurrent_key=k_recurrent, extra_key=k_extra,
                             input_size=input_size)

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size) -> dict:
    raise NotImplementedError

  def _input_weights(self, key, input_size):
    return initializers.init_gate_blocks(self.input_init, key, input_size, self.hidden_size,
                                         self.num_gates, self.param_dtype, self.init_scale)

  def _recurrent_weights(self, key):
    return initializers.init_gate_blocks(self.recurrent_init, key, self.hidden_size,
                                         self.hidden_size, self.num_gates, self.param_dtype,
                                         self.init_scale)

  # ---- state --------------------------------------------------------------------
  @property
  def state_dtype(self):
    """float32, or float64 for a float64 cell: the state is never narrower than float32."""
    return jnp.promote_types(STATE_DTYPE, self.dtype)

  def initial_state(self, batch_shape: tuple[int, ...] = ()) -> Any:
    """Zero state ``[*batch_shape, H]`` (``state_dtype``)."""
    return jnp.zeros((*batch_shape, self.hidden_size), self.state_dtype)

  def output(self, state: Any) -> jax.Array:
    """The hidden output ``h [..., H]`` held in ``state``."""
    return state

  # ---- computation --------------------------------------------------------------
  def check_input(self, params: dict, xs: jax.Array) -> None:
    """Raises ValueError if ``xs [..., D]`` does not match the params' input size."""
    expected = params["w_x"].shape[0]
    if xs.ndim < 1 or xs.shape[-1] != expected:
      raise ValueError(
          f"{type(self).__name__}: input feature size {xs.shape[-1] if xs.ndim else None} "
          f"(shape {tuple(xs.shape)}) does not match params (w_x has input size {expected})")
    if not jnp.issubdtype(xs.dtype, jnp.floating):
      raise ValueError(f"{type(self).__name__}: inputs must be floating point, got dtype {xs.dtype}")

  def project(self, params: dict, xs: jax.Array) -> jax.Array:
    """Time-parallel input projection ``x @ w_x + b``: ``[..., D] -> [..., G]`` (compute dtype)."""
    self.check_input(params, xs)
    w_x = params["w_x"].astype(self.dtype)
    return xs.astype(self.dtype) @ w_x + expand_to(params["b"].astype(self.dtype), xs.ndim)

  def recurrent_matmul(self, params: dict, h: jax.Array, name: str = "w_h") -> jax.Array:
    """``h @ w_h`` in the compute dtype, returned in ``state_dtype`` for the gate arithmetic."""
    return (h.astype(self.dtype) @ params[name].astype(self.dtype)).astype(self.state_dtype)

  def step(self, params: dict, state: Any, gx_t: jax.Array) -> tuple[Any, jax.Array]:
    raise NotImplementedError

  def __call__(self, params: dict, state: Any, x_t: jax.Array) -> tuple[Any, jax.Array]:
    """One step on raw input ``x_t [..., D]``: ``project`` then ``step``."""
    return self.step(params, state, self.project(params, x_t))


def expand_to(vec: jax.Array, ndim: int) -> jax.Array:
  """``[F]`` -> ``[1, ..., 1, F]`` with ``ndim`` axes (explicit broadcasting; rank promotion raises)."""
  return vec.reshape((1,) * (ndim - 1) + vec.shape)


def split_gates(z: jax.Array, num_gates: int) -> list[jax.Array]:
  """Splits ``[..., G*H]`` into ``num_gates`` arrays ``[..., H]`` (PyTorch gate order)."""
  return jnp.split(z, num_gates, axis=-1)
