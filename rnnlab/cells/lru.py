"""Linear Recurrent Unit (Orvieto et al. 2023, "Resurrecting Recurrent Neural Networks for
Long Sequences", sec. 3 and appendix A).

A complex diagonal linear recurrence with an exponential parameterisation and a real
read-out. With input ``x_t [D]``, state ``h_t [N]`` (complex), output ``y_t [H]``::

    lambda = exp(-exp(nu_log) + i exp(theta_log))        |lambda| < 1 for any nu_log
    gamma  = exp(gamma_log)                              init sqrt(1 - |lambda|^2)
    h_t = lambda * h_{t-1} + gamma * (B x_t)             (a_t = lambda, b_t = gamma B x_t)
    y_t = Re(C h_t) + D x_t

Initialisation (the paper's ``init_lru_parameters``): ``|lambda|`` uniform on the ring
``[r_min, r_max]`` (``nu_log = log(-log(u (r_max^2 - r_min^2) + r_min^2) / 2)``), phase
``theta = max_phase * u'``; ``B = (B_re + i B_im)`` with entries ``N(0, 1/(2D))``;
``C = (C_re + i C_im)`` with entries ``N(0, 1/N)``; ``D ~ N(0, 1)``.

Parameters (input-major, as the other cells): ``nu_log, theta_log, gamma_log [N]``,
``b_re, b_im [D, N]`` (the paper's ``B`` transposed), ``c_re, c_im [N, H]`` (``C``
transposed), ``d``: ``[H]`` (diagonal, the paper's ``D``) when ``D == H``, else ``[D, H]``
(a linear skip, as the sizes differ). ``state_size`` N defaults to ``hidden_size``.

State ``h [..., N]`` complex64 (complex128 for a float64 cell) whatever the compute dtype;
``project`` gives ``gx = [Re(B x), Im(B x), D x]`` ``[..., 2N + H]`` in the compute dtype.
``output(state)`` is ``Re(h)`` (the read-out ``C`` and the skip need params and input).
"""
import dataclasses
import math

import jax
import jax.numpy as jnp

from rnnlab.cells.base import expand_to
from rnnlab.cells.state_linear import StateLinearCell


@dataclasses.dataclass(frozen=True)
class LRU(StateLinearCell):
  """LRU cell; see the module docstring for equations, parameters and shapes."""

  state_size: int | None = None
  r_min: float = 0.0
  r_max: float = 1.0
  max_phase: float = 2 * math.pi

  def __post_init__(self):
    super().__post_init__()
    if self.state_size is not None and (isinstance(self.state_size, bool) or
                                        not isinstance(self.state_size, int) or self.state_size <= 0):
      raise ValueError(f"LRU: state_size={self.state_size!r}; allowed: an int > 0 or None")
    if not 0.0 <= self.r_min < self.r_max <= 1.0:
      raise ValueError(f"LRU: r_min={self.r_min!r}, r_max={self.r_max!r}; allowed: "
                       "0 <= r_min < r_max <= 1")
    if not self.max_phase > 0.0:
      raise ValueError(f"LRU: max_phase={self.max_phase!r}; allowed: a float > 0")

  @property
  def num_states(self) -> int:
    """N, the size of the complex state."""
    return self.hidden_size if self.state_size is None else self.state_size

  @property
  def state_dtype(self):
    """complex64 (complex128 for a float64 cell)."""
    return jnp.promote_types(super().state_dtype, jnp.complex64)

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    n, h, dt = self.num_states, self.hidden_size, self.param_dtype
    k_u1, k_u2 = jax.random.split(recurrent_key)
    k_bre, k_bim = jax.random.split(input_key)
    k_cre, k_cim, k_d = jax.random.split(extra_key, 3)
    u1 = jax.random.uniform(k_u1, (n,), jnp.float32)
    u2 = jax.random.uniform(k_u2, (n,), jnp.float32)
    # Squared modulus uniform on [r_min^2, r_max^2], kept inside (0, 1) so the logs are finite.
    r2 = jnp.clip(u1 * (self.r_max ** 2 - self.r_min ** 2) + self.r_min ** 2, 1e-12, 1.0 - 1e-7)
    nu_log = jnp.log(-0.5 * jnp.log(r2))
    theta_log = jnp.log(self.max_phase * jnp.maximum(u2, 1e-12))
    gamma_log = 0.5 * jnp.log1p(-r2)  # log sqrt(1 - |lambda|^2), |lambda|^2 = r2
    d_shape = (h,) if input_size == h else (input_size, h)
    return {
        "nu_log": nu_log.astype(dt),
        "theta_log": theta_log.astype(dt),
        "gamma_log": gamma_log.astype(dt),
        "b_re": (jax.random.normal(k_bre, (input_size, n)) / math.sqrt(2 * input_size)).astype(dt),
        "b_im": (jax.random.normal(k_bim, (input_size, n)) / math.sqrt(2 * input_size)).astype(dt),
        "c_re": (jax.random.normal(k_cre, (n, h)) / math.sqrt(n)).astype(dt),
        "c_im": (jax.random.normal(k_cim, (n, h)) / math.sqrt(n)).astype(dt),
        "d": jax.random.normal(k_d, d_shape).astype(dt),
    }

  def initial_state(self, batch_shape=()):
    """Zero state ``[*batch_shape, N]`` (complex64)."""
    return jnp.zeros((*batch_shape, self.num_states), self.state_dtype)

  def output(self, state):
    return jnp.real(state)

  def check_input(self, params, xs):
    expected = params["b_re"].shape[0]
    if xs.ndim < 1 or xs.shape[-1] != expected:
      raise ValueError(f"LRU: input feature size {xs.shape[-1] if xs.ndim else None} (shape "
                       f"{tuple(xs.shape)}) does not match params (b_re has input size {expected})")
    if not jnp.issubdtype(xs.dtype, jnp.floating):
      raise ValueError(f"LRU: inputs must be floating point, got dtype {xs.dtype}")

  def project(self, params, xs):
    """``[..., D] -> [..., 2N + H]``: ``[Re(B x), Im(B x), D x]`` in the compute dtype."""
    self.check_input(params, xs)
    xs = xs.astype(self.dtype)
    d = params["d"].astype(self.dtype)
    skip = xs * expand_to(d, xs.ndim) if d.ndim == 1 else xs @ d
    return jnp.concatenate([xs @ params["b_re"].astype(self.dtype),
                            xs @ params["b_im"].astype(self.dtype), skip], axis=-1)

  def eigenvalues(self, params):
    """``lambda [N]`` (complex)."""
    real_dtype = super().state_dtype
    nu, theta = (params[k].astype(real_dtype) for k in ("nu_log", "theta_log"))
    return jnp.exp(jax.lax.complex(-jnp.exp(nu), jnp.exp(theta)))

  def coefficients(self, params, gx):
    """``gx [..., 2N + H]`` -> ``(a, b) [..., N]`` complex: ``a = lambda``, ``b = gamma B x``."""
    n = self.num_states
    real_dtype = super().state_dtype
    bx = jax.lax.complex(gx[..., :n].astype(real_dtype), gx[..., n:2 * n].astype(real_dtype))
    gamma = expand_to(jnp.exp(params["gamma_log"].astype(real_dtype)), bx.ndim)
    b = gamma * bx
    a = jnp.broadcast_to(expand_to(self.eigenvalues(params), bx.ndim), b.shape)
    return a, b

  def readout(self, params, h, gx):
    """``Re(C h) + D x``: states ``h [..., N]`` -> ``y [..., H]`` (compute dtype)."""
    dt = self.dtype
    c_h = (jnp.real(h).astype(dt) @ params["c_re"].astype(dt)
           - jnp.imag(h).astype(dt) @ params["c_im"].astype(dt))
    return c_h + gx[..., 2 * self.num_states:].astype(dt)
