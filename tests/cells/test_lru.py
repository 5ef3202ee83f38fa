"""LRU against a NumPy oracle of Orvieto et al. (2023)'s equations; its initialisation."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, recurrence
from tests.cells import numpy_oracles
from tests.cells.cases import random_inputs, random_state, randomized_params, run_both_impls
from tests.conftest import FLOAT32_TOL


@pytest.mark.parametrize("input_size, hidden, state_size", [(4, 4, None), (3, 5, 7)])
def test_matches_numpy_oracle_on_both_paths(input_size, hidden, state_size, key):
  cell = cells.LRU(hidden, state_size=state_size, r_min=0.4, r_max=0.99)
  k_p, k_x, k_s = jax.random.split(key, 3)
  params = randomized_params(cell, k_p, input_size=input_size, scale=0.3)
  assert params["d"].shape == ((hidden,) if input_size == hidden else (input_size, hidden))
  xs = random_inputs(k_x, 2, 9, features=input_size)
  h0 = random_state(cell, k_s, 2)
  assert h0.dtype == jnp.complex64
  for impl, (final, ys) in run_both_impls(cell, params, xs, h0).items():
    assert final.dtype == jnp.complex64
    for b in range(2):
      ref_h, ref_y = numpy_oracles.lru_forward(params, xs[b], h0[b])
      np.testing.assert_allclose(ys[b], ref_y, err_msg=impl, **FLOAT32_TOL)
      np.testing.assert_allclose(final[b], ref_h[-1], err_msg=impl, **FLOAT32_TOL)


def test_ring_initialisation_and_gamma_normalisation(key):
  cell = cells.LRU(8, state_size=4096, r_min=0.4, r_max=0.9, max_phase=math.pi)
  params = cell.init(key, 8)
  lam = cell.eigenvalues(params)
  modulus = np.abs(np.asarray(lam))
  assert modulus.min() >= 0.4 - 1e-6 and modulus.max() <= 0.9 + 1e-6
  # |lambda|^2 uniform on [r_min^2, r_max^2] (the ring's area measure): its mean is the middle.
  np.testing.assert_allclose(np.mean(modulus ** 2), (0.4 ** 2 + 0.9 ** 2) / 2, atol=0.01)
  phase = np.exp(np.asarray(params["theta_log"]))
  assert phase.min() >= 0.0 and phase.max() <= math.pi
  np.testing.assert_allclose(np.exp(params["gamma_log"]), np.sqrt(1 - modulus ** 2), **FLOAT32_TOL)
  # B ~ N(0, 1/(2D)) per real/imaginary part; C ~ N(0, 1/N).
  np.testing.assert_allclose(np.std(params["b_re"]), 1 / math.sqrt(16), rtol=0.05)
  np.testing.assert_allclose(np.std(params["c_im"]), 1 / math.sqrt(4096), rtol=0.05)


def test_state_dtype_is_complex_for_every_compute_dtype(key):
  for dtype in (jnp.float32, jnp.bfloat16):
    cell = cells.LRU(4, dtype=dtype)
    params = cell.init(key, 3)
    final, ys = recurrence.scan(cell, params, jnp.ones((2, 5, 3)), impl="parallel")
    assert final.dtype == jnp.complex64 and ys.dtype == dtype


@pytest.mark.parametrize("kwargs, match", [
    (dict(r_min=0.9, r_max=0.5), "r_min=0.9, r_max=0.5"),
    (dict(r_max=1.5), "r_max=1.5"),
    (dict(state_size=0), "state_size=0"),
    (dict(max_phase=0.0), "max_phase=0.0"),
])
def test_bad_hyperparameters_raise(kwargs, match):
  with pytest.raises(ValueError, match=match):
    cells.LRU(4, **kwargs)
