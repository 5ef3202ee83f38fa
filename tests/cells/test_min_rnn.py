"""minGRU and minLSTM (rnnlab.cells.min_rnn and its two cells) against NumPy oracles of Feng
et al. (2024)'s equations, on both paths; every test runs for both cells."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, kernels, recurrence
from tests.cells import numpy_oracles
from tests.cells.cases import random_inputs, random_state, randomized_params, run_both_impls
from tests.conftest import FLOAT32_TOL

# (cell class, its NumPy oracle, number of gates G: gx is [..., G H])
CELLS = [pytest.param(cells.MinGRU, numpy_oracles.mingru_forward, 2, id="MinGRU"),
         pytest.param(cells.MinLSTM, numpy_oracles.minlstm_forward, 3, id="MinLSTM")]


@pytest.mark.parametrize("log_space", [True, False])
@pytest.mark.parametrize("cell_class, oracle, num_gates", CELLS)
def test_matches_numpy_oracle_on_both_paths(cell_class, oracle, num_gates, log_space, key):
  cell = cell_class(5, log_space=log_space)
  k_p, k_x, k_s = jax.random.split(key, 3)
  params = randomized_params(cell, k_p)
  xs = random_inputs(k_x, 2, 7)
  h0 = random_state(cell, k_s, 2)
  for impl, (final, ys) in run_both_impls(cell, params, xs, h0).items():
    for b in range(2):
      ref = oracle(params, xs[b], h0[b], log_space=log_space)
      np.testing.assert_allclose(ys[b], ref, err_msg=impl, **FLOAT32_TOL)
      np.testing.assert_allclose(final[b], ref[-1], err_msg=impl, **FLOAT32_TOL)


@pytest.mark.parametrize("cell_class, oracle, num_gates", CELLS)
def test_log_space_scan_equals_plain_scan(cell_class, oracle, num_gates, key):
  cell = cell_class(8)
  params = randomized_params(cell, key, scale=1.0)
  xs = random_inputs(jax.random.fold_in(key, 1), 3, 16)
  gx = jnp.swapaxes(cell.project(params, xs), 0, 1)
  h0 = random_state(cell, jax.random.fold_in(key, 2), 3)
  mask = recurrence.length_mask(jnp.array([16, 7, 0]), 16)
  log_final, log_ys = kernels.parallel_scan.parallel_scan(cell, params, gx, h0, mask, log_space=True)
  final, ys = kernels.parallel_scan.parallel_scan(cell, params, gx, h0, mask, log_space=False)
  np.testing.assert_allclose(log_ys, ys, **FLOAT32_TOL)
  np.testing.assert_allclose(log_final, final, **FLOAT32_TOL)


@pytest.mark.parametrize("cell_class, oracle, num_gates", CELLS)
def test_log_space_scan_error_grows_only_with_log_decay(cell_class, oracle, num_gates, key):
  """Over long T both parallel scans against the float64 oracle.

  Written tolerance: the log-space scan forms log h_t = log A_t + logcumsumexp(...), two
  terms of size |log A_t| (A_t = prod a_s) that cancel, so its float32 relative error is
  about eps32 * |log A_t| (measured 2.5x eps32 * max|log A_t| here): rtol = 1e-5 +
  4 eps32 max|log A_t|. The plain associative scan keeps FLOAT32_TOL.
  """
  cell = cell_class(8)
  params = randomized_params(cell, key, scale=1.0)
  xs = random_inputs(jax.random.fold_in(key, 1), 2, 200)
  gx = jnp.swapaxes(cell.project(params, xs), 0, 1)
  h0 = random_state(cell, jax.random.fold_in(key, 2), 2)
  log_a = cell.log_coefficients(params, gx)[0]
  log_decay = float(jnp.max(jnp.abs(jnp.cumsum(log_a, axis=0))))
  assert log_decay > 100.0  # the regime where the two differ
  rtol = 1e-5 + 4 * float(jnp.finfo(jnp.float32).eps) * log_decay
  log_ys = kernels.parallel_scan.parallel_scan(cell, params, gx, h0, None, log_space=True)[1]
  ys = kernels.parallel_scan.parallel_scan(cell, params, gx, h0, None, log_space=False)[1]
  for b in range(2):
    ref = oracle(params, xs[b], h0[b])
    np.testing.assert_allclose(ys[:, b], ref, **FLOAT32_TOL)
    np.testing.assert_allclose(log_ys[:, b], ref, rtol=rtol, atol=1e-5)


@pytest.mark.parametrize("cell_class, oracle, num_gates", CELLS)
def test_initialisation_is_pytorch_linear(cell_class, oracle, num_gates, key):
  cell = cell_class(64)
  params = cell.init(key, 16)
  assert params["w_x"].shape == (16, num_gates * 64) and params["b"].shape == (num_gates * 64,)
  for leaf in params.values():  # U(-1/sqrt(D), 1/sqrt(D)), D = 16
    assert float(jnp.max(jnp.abs(leaf))) <= 0.25 and float(jnp.std(leaf)) > 0.1


def test_candidate_is_positive_and_its_log_is_exact():
  x = jnp.linspace(-30.0, 30.0, 601)
  g = cells.min_rnn.positive_candidate(x)
  assert bool(jnp.all(g > 0))
  np.testing.assert_allclose(cells.min_rnn.log_positive_candidate(x), jnp.log(g), **FLOAT32_TOL)


@pytest.mark.parametrize("cell_class, oracle, num_gates", CELLS)
def test_plain_cell_has_no_log_coefficients(cell_class, oracle, num_gates, key):
  cell = cell_class(4, log_space=False)
  with pytest.raises(ValueError, match="log_space=False"):
    cell.log_coefficients(cell.init(key, 3), jnp.ones((2, 4 * num_gates)))
