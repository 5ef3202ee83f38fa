"""GRU, reset-after (PyTorch/cuDNN, default) or reset-before (Cho et al. 2014).

Gate order (r, z, n). Parameters: ``w_x [D, 3H]``, ``w_h [H, 3H]``, ``b_x [3H]``, ``b_h [3H]``
(PyTorch ``nn.GRU``: ``weight_ih = w_x.T``, ``weight_hh = w_h.T``, ``bias_ih = b_x``,
``bias_hh = b_h``); biases start at zero. With ``gx = x @ w_x + b_x``::

    r = sigmoid(gx_r + h @ w_hr + b_hr)
    z = sigmoid(gx_z + h @ w_hz + b_hz)
    n = tanh(gx_n + r * (h @ w_hn + b_hn))        reset_after=True  (default)
    n = tanh(gx_n + (r * h) @ w_hn + b_hn)        reset_after=False (Cho et al. 2014)
    h' = (1 - z) * n + z * h
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells.base import RecurrentCell, expand_to, split_gates


@dataclasses.dataclass(frozen=True)
class GRU(RecurrentCell):
  """GRU cell; see the module docstring for equations and parameter layout."""

  reset_after: bool = True

  num_gates = 3

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    return {
        "w_x": self._input_weights(input_key, input_size),
        "w_h": self._recurrent_weights(recurrent_key),
        "b_x": jnp.zeros((3 * self.hidden_size,), self.param_dtype),
        "b_h": jnp.zeros((3 * self.hidden_size,), self.param_dtype),
    }

  def project(self, params, xs):
    """``x @ w_x + b_x``: ``[..., D] -> [..., 3H]``."""
    self.check_input(params, xs)
    b_x = expand_to(params["b_x"].astype(self.dtype), xs.ndim)
    return xs.astype(self.dtype) @ params["w_x"].astype(self.dtype) + b_x

  def step(self, params, state, gx_t):
    """``state [..., H]``, ``gx_t [..., 3H]`` -> ``(h', h')``."""
    h = state
    hid = self.hidden_size
    gx_r, gx_z, gx_n = split_gates(gx_t.astype(self.state_dtype), 3)
    b_h = expand_to(params["b_h"].astype(self.state_dtype), h.ndim)
    w_h = params["w_h"].astype(self.dtype)
    if self.reset_after:
      gh_r, gh_z, gh_n = split_gates(self.recurrent_matmul(params, h) + b_h, 3)
      r = jax.nn.sigmoid(gx_r + gh_r)
      z = jax.nn.sigmoid(gx_z + gh_z)
      n = jnp.tanh(gx_n + r * gh_n)
    else:
      gh_rz = (h.astype(self.dtype) @ w_h[:, :2 * hid]).astype(self.state_dtype) + b_h[..., :2 * hid]
      gh_r, gh_z = split_gates(gh_rz, 2)
      r = jax.nn.sigmoid(gx_r + gh_r)
      z = jax.nn.sigmoid(gx_z + gh_z)
      gh_n = ((r * h).astype(self.dtype) @ w_h[:, 2 * hid:]).astype(self.state_dtype) + b_h[..., 2 * hid:]
      n = jnp.tanh(gx_n + gh_n)
    h_new = (1.0 - z) * n + z * h
    return h_new, h_new.astype(self.dtype)
