"""Elman (simple) RNN: ``h_t = act(x_t @ w_x + h_{t-1} @ w_h + b)`` (seed 003, eq. 17-18).

Parameters: ``w_x [D, H]``, ``w_h [H, H]``, ``b [H]`` (PyTorch ``nn.RNN``: ``weight_ih_l0 =
w_x.T``, ``weight_hh_l0 = w_h.T``, ``bias_ih_l0 + bias_hh_l0 = b``). The bias is zero at
initialisation.

IRNN (Le et al. 2015) is ``Elman(activation="relu", recurrent_init="identity")``, also
available as ``make_cell("irnn", ...)``.
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells.base import RecurrentCell

ACTIVATIONS = {"tanh": jnp.tanh, "relu": jax.nn.relu}


@dataclasses.dataclass(frozen=True)
class Elman(RecurrentCell):
  """Elman RNN cell. ``activation``: "tanh" (default) or "relu"."""

  activation: str = "tanh"

  def __post_init__(self):
    super().__post_init__()
    if self.activation not in ACTIVATIONS:
      raise ValueError(
          f"Elman: unknown activation {self.activation!r}; allowed: {sorted(ACTIVATIONS)}")

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    return {
        "w_x": self._input_weights(input_key, input_size),
        "w_h": self._recurrent_weights(recurrent_key),
        "b": jnp.zeros((self.hidden_size,), self.param_dtype),
    }

  def step(self, params, state, gx_t):
    """``state [..., H]``, ``gx_t [..., H]`` -> ``(h, h)``."""
    pre = gx_t.astype(self.state_dtype) + self.recurrent_matmul(params, state)
    h = ACTIVATIONS[self.activation](pre)
    return h, h.astype(self.dtype)
