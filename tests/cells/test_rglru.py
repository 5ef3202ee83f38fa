"""RG-LRU against a NumPy oracle of De et al. (2024)'s equations; its initialisation."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells
from tests.cells import numpy_oracles
from tests.cells.cases import random_inputs, random_state, randomized_params, run_both_impls
from tests.conftest import FLOAT32_TOL


@pytest.mark.parametrize("input_size, hidden", [(5, 5), (3, 6)])
def test_matches_numpy_oracle_on_both_paths(input_size, hidden, key):
  cell = cells.RGLRU(hidden)
  k_p, k_x, k_s = jax.random.split(key, 3)
  params = randomized_params(cell, k_p, input_size=input_size)
  assert ("w_u" in params) == (input_size != hidden)
  xs = random_inputs(k_x, 2, 7, features=input_size)
  h0 = random_state(cell, k_s, 2)
  for impl, (final, ys) in run_both_impls(cell, params, xs, h0).items():
    for b in range(2):
      ref = numpy_oracles.rglru_forward(params, xs[b], h0[b], c=8.0)
      np.testing.assert_allclose(ys[b], ref, err_msg=impl, **FLOAT32_TOL)
      np.testing.assert_allclose(final[b], ref[-1], err_msg=impl, **FLOAT32_TOL)


def test_initial_decay_to_the_power_c_is_uniform_on_the_ring(key):
  cell = cells.RGLRU(4096)
  params = cell.init(key, 4096)
  a_c = (1.0 / (1.0 + np.exp(-np.asarray(params["lam"], np.float64)))) ** 8.0
  assert a_c.min() >= 0.9 - 1e-5 and a_c.max() <= 0.999 + 1e-5
  np.testing.assert_allclose(a_c.mean(), (0.9 + 0.999) / 2, atol=0.003)
  np.testing.assert_array_equal(params["b"], 0.0)


def test_sqrt_derivative_is_bounded():
  grad = jax.grad(cells.rglru.sqrt_bounded_derivative)
  np.testing.assert_allclose(grad(0.0), 1000.0, **FLOAT32_TOL)
  np.testing.assert_allclose(grad(0.25), 1.0, **FLOAT32_TOL)  # exact away from 0


def test_gradients_finite_when_decay_saturates(key):
  cell = cells.RGLRU(4)
  params = cell.init(key, 4)
  params["lam"] = jnp.full((4,), 30.0)  # a = sigmoid(30) ~ 1: sqrt(1 - a^2) -> 0
  xs = random_inputs(key, 2, 6)

  def loss(p):
    return jnp.sum(cells.RGLRU(4).step(p, jnp.zeros((2, 4)), cell.project(p, xs[:, 0]))[1])

  assert all(bool(jnp.all(jnp.isfinite(g))) for g in jax.tree.leaves(jax.grad(loss)(params)))


@pytest.mark.parametrize("kwargs, match", [
    (dict(r_min=0.0), "r_min=0.0"), (dict(r_max=1.0), "r_max=1.0"), (dict(c=0.0), "c=0.0")])
def test_bad_hyperparameters_raise(kwargs, match):
  with pytest.raises(ValueError, match=match):
    cells.RGLRU(4, **kwargs)
