"""The shared BPTT building blocks (rnnlab/kernels/bptt.py).

Tolerance: float32 rtol=atol=1e-5 (the suite's policy, tests/conftest.py): one GEMM versus a
sum of per-step products is the same maths in another summation order.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells
from rnnlab.kernels import bptt


def test_previous_steps_shifts_by_one(key):
  stacked = jax.random.normal(key, (4, 2, 3))
  first = jnp.full((2, 3), 7.0)
  prev = bptt.previous_steps(first, stacked)
  np.testing.assert_array_equal(prev[0], first)
  np.testing.assert_array_equal(prev[1:], stacked[:-1])


def test_weight_gradient_is_the_sum_of_per_step_outer_products(key):
  k_h, k_g = jax.random.split(key)
  h_prev = jax.random.normal(k_h, (5, 3, 4))
  dg = jax.random.normal(k_g, (5, 3, 8))
  expected = sum(h_prev[t].T @ dg[t] for t in range(5))
  np.testing.assert_allclose(bptt.weight_gradient(h_prev, dg, jnp.float32), expected,
                             rtol=1e-5, atol=1e-5)
  assert bptt.weight_gradient(h_prev, dg, jnp.bfloat16).dtype == jnp.bfloat16


def test_keep_where_and_zero_where_invalid():
  valid = jnp.array([True, False])
  new, old = jnp.ones((2, 3)), jnp.zeros((2, 3))
  np.testing.assert_array_equal(bptt.keep_where(valid, new, old), [[1, 1, 1], [0, 0, 0]])
  np.testing.assert_array_equal(bptt.zero_where_invalid(valid, new), [[1, 1, 1], [0, 0, 0]])
  assert bptt.keep_where(None, new, old) is new
  assert bptt.zero_where_invalid(None, new) is new


def test_matmul_keeps_the_state_dtype_and_state_dtype_follows_the_cell():
  h = jnp.ones((2, 3), jnp.float32)
  w = jnp.ones((3, 4), jnp.bfloat16)
  assert bptt.matmul(h, w).dtype == jnp.float32
  assert bptt.state_dtype(cells.LSTM(4, dtype=jnp.bfloat16)) == jnp.float32
  assert bptt.row(jnp.arange(3.0)).shape == (1, 3)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_check_unroll_rejects_bad_values(bad):
  with pytest.raises(ValueError, match="unroll"):
    bptt.check_unroll(bad)
