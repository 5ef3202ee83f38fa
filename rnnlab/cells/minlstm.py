"""minLSTM (Feng et al. 2024, "Were RNNs All We Needed?", sec. 3.2 and appendix A).

An LSTM whose gates read only the input, with normalised (time-independent scale) gates.
With ``gx = x @ w_x + b`` split into ``(k_f, k_i, k_h)`` (gate order f, i, h)::

    f_t = sigmoid(k_f);  i_t = sigmoid(k_i)
    f'_t = f_t / (f_t + i_t);  i'_t = i_t / (f_t + i_t)
    h~_t = g(k_h)            log_space=True  (default; the paper's log-space version)
    h~_t = k_h               log_space=False (the paper's plain version)
    h_t  = f'_t * h_{t-1} + i'_t * h~_t              (a_t = f'_t, b_t = i'_t h~_t)

``g`` is the positive candidate of ``rnnlab.cells.mingru``. With ``log_space=True`` the
parallel path uses the log-space scan on ``d = softplus(-k_f) - softplus(-k_i)``,
``log a_t = -softplus(d)``, ``log b_t = -softplus(-d) + log g(k_h)`` (the paper's code).

Parameters: ``w_x [D, 3H]``, ``b [3H]``, ``U(-1/sqrt(D), 1/sqrt(D))`` (PyTorch's ``nn.Linear``
default, the paper's code). State ``h [..., H]`` float32; output ``h_t``.
Shapes: ``project [..., D] -> [..., 3H]``; ``coefficients -> (a, b) [..., H]``.
"""
import dataclasses

import jax

from rnnlab.cells.base import split_gates
from rnnlab.cells.mingru import log_positive_candidate, positive_candidate
from rnnlab.cells.state_linear import StateLinearCell


@dataclasses.dataclass(frozen=True)
class MinLSTM(StateLinearCell):
  """minLSTM cell; see the module docstring for equations, parameters and shapes."""

  input_init: str = "fan_in_uniform"
  log_space: bool = True

  num_gates = 3

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del recurrent_key
    bound = 1.0 / input_size ** 0.5
    return {"w_x": self._input_weights(input_key, input_size),
            "b": jax.random.uniform(extra_key, (3 * self.hidden_size,), self.param_dtype,
                                    -bound, bound)}

  def coefficients(self, params, gx):
    """``gx [..., 3H]`` -> ``(a, b) [..., H]``: ``a = f'``, ``b = i' * h~`` (float32)."""
    k_f, k_i, k_h = split_gates(gx.astype(self.state_dtype), 3)
    f, i = jax.nn.sigmoid(k_f), jax.nn.sigmoid(k_i)
    candidate = positive_candidate(k_h) if self.log_space else k_h
    return f / (f + i), i / (f + i) * candidate

  def log_coefficients(self, params, gx):
    """``(log a, log b) [..., H]`` (``log_space=True`` only, where ``b > 0``)."""
    if not self.log_space:
      raise ValueError("MinLSTM(log_space=False) has no log coefficients (h~ may be <= 0)")
    k_f, k_i, k_h = split_gates(gx.astype(self.state_dtype), 3)
    diff = jax.nn.softplus(-k_f) - jax.nn.softplus(-k_i)
    return -jax.nn.softplus(diff), -jax.nn.softplus(-diff) + log_positive_candidate(k_h)
