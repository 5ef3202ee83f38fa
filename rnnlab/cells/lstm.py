"""LSTM with forget-gate bias, optional peepholes and optional layer normalisation.

Gate order (i, f, g, o) as PyTorch. Parameters: ``w_x [D, 4H]``, ``w_h [H, 4H]``, ``b [4H]``
(PyTorch: ``weight_ih = w_x.T``, ``weight_hh = w_h.T``, ``bias_ih + bias_hh = b``). At
initialisation ``b`` is zero except its f-slice, which is ``forget_bias`` (1.0 by default,
seed 004: "initialize the forget gate bias to a large value, such as 1.0").

Equations (seed 004; ``p_*`` only with ``peephole=True``; ``z = x @ w_x + b + h @ w_h``)::

    i = sigmoid(z_i + p_i * c_{t-1})
    f = sigmoid(z_f + p_f * c_{t-1})
    g = tanh(z_g)
    c_t = f * c_{t-1} + i * g
    o = sigmoid(z_o + p_o * c_t)
    h_t = o * tanh(c_t)

With ``layer_norm=True`` (Ba et al. 2016) the two matmuls are normalised separately,
``z = LN(x @ w_x; gain ln_x) + LN(h @ w_h; gain ln_h) + b``, and ``h_t = o * tanh(LN(c_t;
ln_c_gain, ln_c_bias))``; the extra parameters are ``ln_x [4H]``, ``ln_h [4H]``,
``ln_c_gain [H]``, ``ln_c_bias [H]``. Peephole vectors start at zero.

State: ``(c, h)``, both float32 ``[..., H]``.
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells.base import STATE_DTYPE, RecurrentCell, expand_to, split_gates

LAYER_NORM_EPS = 1e-5


def layer_norm(x: jax.Array, gain: jax.Array, bias: jax.Array | None = None) -> jax.Array:
  """Normalises ``x [..., F]`` over its last axis (in at least float32), then ``* gain (+ bias)``."""
  dtype = jnp.promote_types(x.dtype, STATE_DTYPE)
  x = x.astype(dtype)
  mean = jnp.mean(x, axis=-1, keepdims=True)
  var = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
  y = (x - mean) * jax.lax.rsqrt(var + LAYER_NORM_EPS) * expand_to(gain.astype(dtype), x.ndim)
  return y if bias is None else y + expand_to(bias.astype(dtype), x.ndim)


@dataclasses.dataclass(frozen=True)
class LSTM(RecurrentCell):
  """LSTM cell; see the module docstring for equations and parameter layout."""

  forget_bias: float = 1.0
  peephole: bool = False
  layer_norm: bool = False

  num_gates = 4

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    h = self.hidden_size
    b = jnp.zeros((4 * h,), self.param_dtype).at[h:2 * h].set(self.forget_bias)
    params = {
        "w_x": self._input_weights(input_key, input_size),
        "w_h": self._recurrent_weights(recurrent_key),
        "b": b,
    }
    if self.peephole:
      for name in ("p_i", "p_f", "p_o"):
        params[name] = jnp.zeros((h,), self.param_dtype)
    if self.layer_norm:
      params["ln_x"] = jnp.ones((4 * h,), self.param_dtype)
      params["ln_h"] = jnp.ones((4 * h,), self.param_dtype)
      params["ln_c_gain"] = jnp.ones((h,), self.param_dtype)
      params["ln_c_bias"] = jnp.zeros((h,), self.param_dtype)
    return params

  def initial_state(self, batch_shape=()):
    zeros = jnp.zeros((*batch_shape, self.hidden_size), self.state_dtype)
    return (zeros, zeros)

  def output(self, state):
    return state[1]

  def project(self, params, xs):
    if not self.layer_norm:
      return super().project(params, xs)
    self.check_input(params, xs)
    wx = xs.astype(self.dtype) @ params["w_x"].astype(self.dtype)
    b = expand_to(params["b"].astype(self.state_dtype), wx.ndim)
    return (layer_norm(wx, params["ln_x"]) + b).astype(self.dtype)

  def step(self, params, state, gx_t):
    """``state (c, h)``, ``gx_t [..., 4H]`` -> ``((c', h'), h')``."""
    c, h = state
    wh = self.recurrent_matmul(params, h)
    if self.layer_norm:
      wh = layer_norm(wh, params["ln_h"])
    z_i, z_f, z_g, z_o = split_gates(gx_t.astype(self.state_dtype) + wh, 4)
    peep = (lambda name: expand_to(params[name].astype(self.state_dtype), c.ndim)) if self.peephole else None
    if self.peephole:
      z_i = z_i + peep("p_i") * c
      z_f = z_f + peep("p_f") * c
    c_new = jax.nn.sigmoid(z_f) * c + jax.nn.sigmoid(z_i) * jnp.tanh(z_g)
    if self.peephole:
      z_o = z_o + peep("p_o") * c_new
    c_out = layer_norm(c_new, params["ln_c_gain"], params["ln_c_bias"]) if self.layer_norm else c_new
    h_new = jax.nn.sigmoid(z_o) * jnp.tanh(c_out)
    return (c_new, h_new), h_new.astype(self.dtype)
