"""Real-Gated Linear Recurrent Unit, RG-LRU (De et al. 2024, "Griffin: Mixing Gated Linear
Recurrences with Local Attention for Efficient Language Models", sec. 2.4; Hawk).

With input ``u_t [H]`` (the cell input ``x_t`` when ``D == H``, else ``x_t @ w_u``) and
``gx = x @ w_x + b`` split into ``(k_r, k_i)`` (gate order r, i)::

    r_t = sigmoid(k_r)                      recurrence gate
    i_t = sigmoid(k_i)                      input gate
    a_t = a^(c r_t),  a = sigmoid(Lambda)   (computed as log a_t = -c r_t softplus(-Lambda))
    h_t = a_t * h_{t-1} + sqrt(1 - a_t^2) * (i_t * u_t)    (the paper's eq. 4-6), c = 8

Initialisation (the paper): ``Lambda`` such that ``a^c`` is uniform on ``[r_min, r_max] =
[0.9, 0.999]``; gate weights LeCun normal (variance 1/D), biases zero; ``w_u`` LeCun normal.
The derivative of ``sqrt(1 - a_t^2)`` is bounded (at most 1000 in magnitude) as in the
authors' code (recurrentgemma), so it stays finite when ``a_t -> 1``; the forward value is
exact. Griffin's gates are block-diagonal; here they are dense.

Parameters: ``w_x [D, 2H]``, ``b [2H]``, ``lam [H]``, and ``w_u [D, H]`` only if ``D != H``.
State ``h [..., H]`` float32; output ``h_t``. ``project [..., D] -> [..., 3H]``
(``[k_r, k_i, u]``, compute dtype).
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells.base import expand_to, split_gates
from rnnlab.cells.state_linear import StateLinearCell

MAX_SQRT_GRADIENT = 1000.0


@jax.custom_jvp
def sqrt_bounded_derivative(x: jax.Array) -> jax.Array:
  """``sqrt(x)`` whose derivative is clipped to ``MAX_SQRT_GRADIENT`` near 0."""
  return jnp.sqrt(x)


@sqrt_bounded_derivative.defjvp
def _sqrt_jvp(primals, tangents):
  (x,), (dx,) = primals, tangents
  y = jnp.sqrt(x)
  return y, dx * 0.5 / jnp.maximum(y, 0.5 / MAX_SQRT_GRADIENT)


@dataclasses.dataclass(frozen=True)
class RGLRU(StateLinearCell):
  """RG-LRU cell; see the module docstring for equations, parameters and shapes."""

  input_init: str = "lecun_normal"
  c: float = 8.0
  r_min: float = 0.9
  r_max: float = 0.999

  num_gates = 2

  def __post_init__(self):
    super().__post_init__()
    if not 0.0 < self.r_min < self.r_max < 1.0:
      raise ValueError(f"RGLRU: r_min={self.r_min!r}, r_max={self.r_max!r}; allowed: "
                       "0 < r_min < r_max < 1")
    if not self.c > 0.0:
      raise ValueError(f"RGLRU: c={self.c!r}; allowed: a float > 0")

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    h = self.hidden_size
    a_c = jax.random.uniform(recurrent_key, (h,), jnp.float32, self.r_min, self.r_max)
    log_a = jnp.log(a_c) / self.c  # log sigmoid(Lambda)
    params = {"w_x": self._input_weights(input_key, input_size),
              "b": jnp.zeros((2 * h,), self.param_dtype),
              "lam": (log_a - jnp.log(-jnp.expm1(log_a))).astype(self.param_dtype)}
    if input_size != h:
      params["w_u"] = jax.nn.initializers.lecun_normal()(extra_key, (input_size, h),
                                                         self.param_dtype)
    return params

  def project(self, params, xs):
    """``[..., D] -> [..., 3H]``: ``[x @ w_x + b, u]`` in the compute dtype."""
    gates = super().project(params, xs)
    xs = xs.astype(self.dtype)
    u = xs @ params["w_u"].astype(self.dtype) if "w_u" in params else xs
    return jnp.concatenate([gates, u], axis=-1)

  def coefficients(self, params, gx):
    """``gx [..., 3H]`` -> ``(a, b) [..., H]`` (float32)."""
    k_r, k_i, u = split_gates(gx.astype(self.state_dtype), 3)
    lam = expand_to(params["lam"].astype(self.state_dtype), k_r.ndim)
    log_a = -self.c * jax.nn.sigmoid(k_r) * jax.nn.softplus(-lam)
    a = jnp.exp(log_a)
    scale = sqrt_bounded_derivative(-jnp.expm1(2.0 * log_a))  # sqrt(1 - a^2)
    return a, scale * (jax.nn.sigmoid(k_i) * u)
