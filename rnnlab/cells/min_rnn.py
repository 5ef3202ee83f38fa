"""What minGRU and minLSTM share (Feng et al. 2024, "Were RNNs All We Needed?", sec. 3 and
appendix A): the positive candidate ``g`` of the log-space versions and its log, and a base
class with their hyperparameters and initialisation.

``g(x) = x + 0.5`` for ``x >= 0``, ``sigmoid(x)`` otherwise (always > 0, so ``log b_t``
exists); ``log g(x)`` is computed without forming ``g`` (``-softplus(-x)`` for ``x < 0``).

Parameters: ``w_x [D, G H]``, ``b [G H]`` (``G = num_gates``), both ``U(-1/sqrt(D),
1/sqrt(D))`` (PyTorch's ``nn.Linear`` default, the paper's code).
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells.state_linear import StateLinearCell


def positive_candidate(x: jax.Array) -> jax.Array:
  """Feng et al.'s ``g(x) = x + 0.5`` for ``x >= 0``, ``sigmoid(x)`` otherwise (always > 0)."""
  return jnp.where(x >= 0, x + 0.5, jax.nn.sigmoid(x))


def log_positive_candidate(x: jax.Array) -> jax.Array:
  """``log g(x)``, computed without forming ``g`` (``-softplus(-x)`` for ``x < 0``)."""
  return jnp.where(x >= 0, jnp.log(jax.nn.relu(x) + 0.5), -jax.nn.softplus(-x))


@dataclasses.dataclass(frozen=True)
class MinimalRNNCell(StateLinearCell):
  """Base of minGRU and minLSTM: gates that read only the input, ``log_space`` choosing the
  candidate ``h~ = g(k_h)`` (True, the paper's log-space version) or ``h~ = k_h`` (False).

  Subclasses set ``num_gates`` and implement ``coefficients`` and ``log_coefficients``
  (which call :meth:`_check_log_space` first).
  """

  input_init: str = "fan_in_uniform"
  log_space: bool = True

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del recurrent_key
    bound = 1.0 / input_size ** 0.5
    return {"w_x": self._input_weights(input_key, input_size),
            "b": jax.random.uniform(extra_key, (self.num_gates * self.hidden_size,),
                                    self.param_dtype, -bound, bound)}

  def _candidate(self, k_h: jax.Array) -> jax.Array:
    """``h~``: ``g(k_h)`` with ``log_space``, else ``k_h``."""
    return positive_candidate(k_h) if self.log_space else k_h

  def _check_log_space(self) -> None:
    """Raises ValueError unless ``log_space`` (only then is ``b_t > 0``)."""
    if not self.log_space:
      raise ValueError(f"{type(self).__name__}(log_space=False) has no log coefficients "
                       "(h~ may be <= 0)")
