"""minGRU (Feng et al. 2024, "Were RNNs All We Needed?", sec. 3.1 and appendix A).

A GRU whose gates read only the input, so the recurrence is linear in the state. With
``gx = x @ w_x + b`` split into ``(k_z, k_h)`` (gate order z, h)::

    z_t  = sigmoid(k_z)
    h~_t = g(k_h)            log_space=True  (default; the paper's log-space version)
    h~_t = k_h               log_space=False (the paper's plain version)
    h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t          (a_t = 1 - z_t, b_t = z_t h~_t)

with ``g(x) = x + 0.5 if x >= 0 else sigmoid(x)`` (positive, so ``log b_t`` exists; in
``rnnlab.cells.min_rnn``, shared with minLSTM). With ``log_space=True`` the parallel path
(``recurrence.scan(..., impl="parallel")``) runs the log-space scan of the paper
(``rnnlab.kernels.parallel_scan.log_linear_recurrence``) on ``log a_t = -softplus(k_z)`` and
``log b_t = -softplus(-k_z) + log g(k_h)``.

Parameters: ``w_x [D, 2H]``, ``b [2H]``, both ``U(-1/sqrt(D), 1/sqrt(D))`` (PyTorch's
``nn.Linear`` default, the paper's code). State ``h [..., H]`` float32; output ``h_t``.
Shapes: ``project [..., D] -> [..., 2H]``; ``coefficients -> (a, b) [..., H]``.
"""
import dataclasses

import jax

from rnnlab.cells.base import split_gates
from rnnlab.cells.min_rnn import MinimalRNNCell, log_positive_candidate, positive_candidate

__all__ = ["MinGRU", "log_positive_candidate", "positive_candidate"]


@dataclasses.dataclass(frozen=True)
class MinGRU(MinimalRNNCell):
  """minGRU cell; see the module docstring for equations, parameters and shapes."""

  num_gates = 2

  def coefficients(self, params, gx):
    """``gx [..., 2H]`` -> ``(a, b) [..., H]``: ``a = 1 - z``, ``b = z * h~`` (float32)."""
    k_z, k_h = split_gates(gx.astype(self.state_dtype), 2)
    z = jax.nn.sigmoid(k_z)
    return 1.0 - z, z * self._candidate(k_h)

  def log_coefficients(self, params, gx):
    """``(log a, log b) [..., H]`` (``log_space=True`` only, where ``b > 0``)."""
    self._check_log_space()
    k_z, k_h = split_gates(gx.astype(self.state_dtype), 2)
    return -jax.nn.softplus(k_z), -jax.nn.softplus(-k_z) + log_positive_candidate(k_h)
