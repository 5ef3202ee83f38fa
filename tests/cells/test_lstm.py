"""LSTM against seed 004's vector formulas, with and without peepholes."""
import jax
import numpy as np
import pytest

from rnnlab import cells, recurrence
from tests.cells import numpy_oracles
from tests.cells.cases import random_state, randomized_params

TOL = dict(rtol=1e-5, atol=1e-5)  # float32 vs float64 oracle over a few steps


@pytest.mark.parametrize("peephole", [False, True])
def test_forward_matches_seed_004_equations(peephole, key):
  cell = cells.LSTM(5, peephole=peephole)
  params = randomized_params(cell, key, input_size=3)
  xs = jax.random.normal(jax.random.fold_in(key, 1), (2, 6, 3))
  state0 = random_state(cell, jax.random.fold_in(key, 2), 2)
  (c_final, h_final), ys = recurrence.scan(cell, params, xs, initial_state=state0)
  for b in range(2):
    cs, hs = numpy_oracles.lstm_forward(params, xs[b], state0[0][b], state0[1][b], peephole=peephole)
    np.testing.assert_allclose(ys[b], hs, **TOL)
    np.testing.assert_allclose(c_final[b], cs[-1], **TOL)
    np.testing.assert_allclose(h_final[b], hs[-1], **TOL)


def test_forget_bias_initialises_only_the_f_slice(key):
  params = cells.LSTM(3, forget_bias=1.0).init(key, 2)
  np.testing.assert_array_equal(params["b"], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
  params = cells.LSTM(3, forget_bias=0.0).init(key, 2)
  np.testing.assert_array_equal(params["b"], np.zeros(12))


def test_parameter_layout_and_optional_parameters(key):
  shapes = jax.tree.map(np.shape, cells.LSTM(4, peephole=True, layer_norm=True).init(key, 3))
  assert shapes == {"w_x": (3, 16), "w_h": (4, 16), "b": (16,), "p_i": (4,), "p_f": (4,),
                    "p_o": (4,), "ln_x": (16,), "ln_h": (16,), "ln_c_gain": (4,), "ln_c_bias": (4,)}
  assert set(cells.LSTM(4).init(key, 3)) == {"w_x", "w_h", "b"}


def test_layer_norm_matches_numpy_oracle(key):
  cell = cells.LSTM(6, layer_norm=True)
  params = randomized_params(cell, key, input_size=3)
  xs = jax.random.normal(jax.random.fold_in(key, 1), (2, 5, 3))
  state0 = random_state(cell, jax.random.fold_in(key, 2), 2)
  _, ys = recurrence.scan(cell, params, xs, initial_state=state0)
  for b in range(2):
    ref = numpy_oracles.lstm_layer_norm_forward(params, xs[b], state0[0][b], state0[1][b])
    np.testing.assert_allclose(ys[b], ref, **TOL)
