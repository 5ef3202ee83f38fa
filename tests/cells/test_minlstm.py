"""minLSTM's own property (normalised gates); the tests it shares with minGRU (NumPy oracle
on both paths, log-space scan, initialisation) are in tests/cells/test_min_rnn.py."""
import jax.numpy as jnp
import numpy as np

from rnnlab import cells
from tests.cells.cases import random_inputs, randomized_params
from tests.conftest import FLOAT32_TOL


def test_normalised_gates_sum_to_one(key):
  cell = cells.MinLSTM(4, log_space=False)
  params = randomized_params(cell, key)
  gx = cell.project(params, random_inputs(key, 2, 3))
  k_h = gx[..., 8:]
  a, b = cell.coefficients(params, gx)
  np.testing.assert_allclose(a + b / k_h, 1.0, **FLOAT32_TOL)  # f' + i' = 1
  log_a, log_b = cells.MinLSTM(4).log_coefficients(params, gx)
  np.testing.assert_allclose(jnp.exp(log_a), a, **FLOAT32_TOL)
