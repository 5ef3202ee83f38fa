"""minLSTM (Feng et al. 2024, "Were RNNs All We Needed?", sec. 3.2 and appendix A).

An LSTM whose gates read only the input, with normalised (time-independent scale) gates.
With ``gx = x @ w_x + b`` split into ``(k_f, k_i, k_h)`` (gate order f, i, h)::

    f_t = sigmoid(k_f);  i_t = sigmoid(k_i)
    f'_t = f_t / (f_t + i_t);  i'_t = i_t / (f_t + i_t)
    h~_t = g(k_h)            log_space=True  (default; the paper's log-space version)
    h~_t = k_h               log_space=False (the paper's plain version)
    h_t  = f'_t * h_{t-1} + i'_t * h~_t              (a_t = f'_t, b_t = i'_t h~_t)

``g`` is the positive candidate of ``rnnlab.cells.min_rnn`` (shared with minGRU). With
``log_space=True`` the parallel path uses the log-space scan on ``d = softplus(-k_f) -
softplus(-k_i)``, ``log a_t = -softplus(d)``, ``log b_t = -softplus(-d) + log g(k_h)`` (the
paper's code).

Parameters: ``w_x [D, 3H]``, ``b [3H]``, ``U(-1/sqrt(D), 1/sqrt(D))`` (PyTorch's ``nn.Linear``
default, the paper's code). State ``h [..., H]`` float32; output ``h_t``.
Shapes: ``project [..., D] -> [..., 3H]``; ``coefficients -> (a, b) [..., H]``.
"""
import dataclasses

import jax

from rnnlab.cells.base import split_gates
from rnnlab.cells.min_rnn import MinimalRNNCell, log_positive_candidate


@dataclasses.dataclass(frozen=True)
class MinLSTM(MinimalRNNCell):
  """minLSTM cell; see the module docstring for equations, parameters and shapes."""

  num_gates = 3

  def coefficients(self, params, gx):
    """``gx [..., 3H]`` -> ``(a, b) [..., H]``: ``a = f'``, ``b = i' * h~`` (float32)."""
    k_f, k_i, k_h = split_gates(gx.astype(self.state_dtype), 3)
    f, i = jax.nn.sigmoid(k_f), jax.nn.sigmoid(k_i)
    return f / (f + i), i / (f + i) * self._candidate(k_h)

  def log_coefficients(self, params, gx):
    """``(log a, log b) [..., H]`` (``log_space=True`` only, where ``b > 0``)."""
    self._check_log_space()
    k_f, k_i, k_h = split_gates(gx.astype(self.state_dtype), 3)
    diff = jax.nn.softplus(-k_f) - jax.nn.softplus(-k_i)
    return -jax.nn.softplus(diff), -jax.nn.softplus(-diff) + log_positive_candidate(k_h)
