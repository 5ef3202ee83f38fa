"""GRU (reset-after and reset-before) against DESIGN.md's equations."""
import jax
import numpy as np
import pytest

from rnnlab import cells, recurrence
from tests.cells import numpy_oracles
from tests.cells.cases import random_state, randomized_params

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
def test_forward_matches_numpy_oracle(reset_after, key):
  cell = cells.GRU(5, reset_after=reset_after)
  params = randomized_params(cell, key, input_size=3)
  xs = jax.random.normal(jax.random.fold_in(key, 1), (2, 6, 3))
  state0 = random_state(cell, jax.random.fold_in(key, 2), 2)
  final, ys = recurrence.scan(cell, params, xs, initial_state=state0)
  for b in range(2):
    hs = numpy_oracles.gru_forward(params, xs[b], state0[b], reset_after=reset_after)
    np.testing.assert_allclose(ys[b], hs, **TOL)
    np.testing.assert_allclose(final[b], hs[-1], **TOL)


def test_reset_before_and_after_differ(key):
  """The two forms are different maths when b_hn != 0 or r != 1: guard against a silent alias."""
  params = randomized_params(cells.GRU(4), key, input_size=3)
  xs = jax.random.normal(key, (1, 4, 3))
  _, after = recurrence.scan(cells.GRU(4), params, xs)
  _, before = recurrence.scan(cells.GRU(4, reset_after=False), params, xs)
  assert np.max(np.abs(np.asarray(after) - np.asarray(before))) > 1e-3
