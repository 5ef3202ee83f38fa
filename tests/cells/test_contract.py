"""Properties every built-in cell must have (the cell contract of DESIGN.md).

Tolerances: float32 comparisons of two evaluation orders of the same maths use
rtol=atol=1e-5 (FLOAT32_TOL); finite differences use check_grads' float32 defaults
(eps=1e-2 for float32 in JAX's own tests would be too coarse, so we pass eps=1e-3 and
rtol=atol=2e-2, the tolerance JAX's check_grads applies to float32 second-order-free checks).
"""
import dataclasses

import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from rnnlab import recurrence
from tests.cells.cases import CELLS, INPUT, random_inputs, random_state, randomized_params

TOL = dict(rtol=1e-5, atol=1e-5)
NAMES = sorted(CELLS)


def _loop(cell, params, xs, state):
  """Reference: a Python loop of cell(...) (project + step) over [B, T, D]."""
  ys = []
  for t in range(xs.shape[1]):
    state, y = cell(params, state, xs[:, t])
    ys.append(y)
  return state, jnp.stack(ys, axis=1)


@pytest.mark.parametrize("name", NAMES)
def test_scan_equals_python_loop_of_step(name, key):
  cell = CELLS[name]
  k_p, k_x, k_s = jax.random.split(key, 3)
  params = randomized_params(cell, k_p)
  xs = random_inputs(k_x, 3, 5)
  state0 = random_state(cell, k_s, 3)
  final, ys = recurrence.scan(cell, params, xs, initial_state=state0, impl="scan")
  ref_final, ref_ys = _loop(cell, params, xs, state0)
  np.testing.assert_allclose(ys, ref_ys, **TOL)
  chex.assert_trees_all_close(final, ref_final, **TOL)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("reverse", [False, True])
def test_padded_batch_equals_each_sequence_alone(name, reverse, key):
  cell = CELLS[name]
  k_p, k_x = jax.random.split(key)
  params = randomized_params(cell, k_p)
  lengths = jnp.array([7, 3, 0, 5])
  xs = random_inputs(k_x, 4, 7)
  final, ys = recurrence.scan(cell, params, xs, lengths=lengths, reverse=reverse, impl="scan")
  for b, n in enumerate(lengths.tolist()):
    state0 = cell.initial_state((1,))
    if n == 0:
      alone_final, alone_ys = state0, jnp.zeros((1, 0, cell.hidden_size))
    else:
      alone_final, alone_ys = recurrence.scan(cell, params, xs[b:b + 1, :n], reverse=reverse, impl="scan")
    np.testing.assert_allclose(ys[b, :n], alone_ys[0], **TOL)
    np.testing.assert_array_equal(ys[b, n:], 0.0)  # padded outputs are zero
    chex.assert_trees_all_close(jax.tree.map(lambda s: s[b], final),
                                jax.tree.map(lambda s: s[0], alone_final), **TOL)


@pytest.mark.parametrize("name", NAMES)
def test_reverse_equals_scan_of_flipped_inputs(name, key):
  cell = CELLS[name]
  params = randomized_params(cell, key)
  xs = random_inputs(jax.random.fold_in(key, 2), 2, 6)
  final, ys = recurrence.scan(cell, params, xs, reverse=True, impl="scan")
  ref_final, ref_ys = recurrence.scan(cell, params, xs[:, ::-1], impl="scan")
  np.testing.assert_allclose(ys, ref_ys[:, ::-1], **TOL)
  chex.assert_trees_all_close(final, ref_final, **TOL)


@pytest.mark.parametrize("name", NAMES)
def test_gradients_match_finite_differences(name, key):
  k_p, k_x = jax.random.split(key)
  lengths = jnp.array([4, 2])
  with jax.enable_x64(True):
    cell = dataclasses.replace(CELLS[name], dtype=jnp.float64, param_dtype=jnp.float64)
    params = randomized_params(cell, k_p, scale=0.3)
    xs = random_inputs(k_x, 2, 4).astype(jnp.float64)

    def loss(params, xs):
      final, ys = recurrence.scan(cell, params, xs, lengths=lengths, impl="scan")
      return jnp.sum(ys ** 2) + jnp.sum(cell.output(final))

    # float64 finite differences: eps=1e-4 and rtol=atol=1e-4 (second-order error ~eps^2).
    check_grads(loss, (params, xs), order=1, modes=("rev",), eps=1e-4, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_bfloat16_compute_keeps_float32_state_and_params(name, key):
  cell = dataclasses.replace(CELLS[name], dtype=jnp.bfloat16)
  params = cell.init(key, INPUT)
  assert all(leaf.dtype == jnp.float32 for leaf in jax.tree.leaves(params))
  xs = random_inputs(key, 2, 5)
  final, ys = recurrence.scan(cell, params, xs)
  # float32 (complex64 for the LRU's complex state), as the float32 cell's initial state.
  state_dtypes = [leaf.dtype for leaf in jax.tree.leaves(CELLS[name].initial_state((2,)))]
  assert all(dtype in (jnp.float32, jnp.complex64) for dtype in state_dtypes)
  assert [leaf.dtype for leaf in jax.tree.leaves(final)] == state_dtypes
  assert ys.dtype == jnp.bfloat16
  # Same maths as float32 up to bfloat16 rounding of the matmul inputs (8 bits of mantissa):
  ref_cell = CELLS[name]
  _, ref_ys = recurrence.scan(ref_cell, params, xs)
  np.testing.assert_allclose(ys.astype(jnp.float32), ref_ys, rtol=0, atol=5e-2)


@pytest.mark.parametrize("name", ["lstm", "gru", "elman_tanh"])
def test_one_compilation_serves_different_lengths(name, key):
  chex.clear_trace_counter()
  cell = CELLS[name]
  params = cell.init(key, INPUT)
  xs = random_inputs(key, 3, 5)

  @jax.jit
  @chex.assert_max_traces(n=1)
  def run(params, xs, lengths):
    return recurrence.scan(cell, params, xs, lengths=lengths)[1]

  run(params, xs, jnp.array([5, 2, 1]))
  run(params, xs, jnp.array([1, 4, 3]))
  run(params, xs, jnp.array([0, 0, 5]))


@pytest.mark.parametrize("name", NAMES)
def test_remat_and_unroll_do_not_change_results(name, key):
  cell = CELLS[name]
  params = randomized_params(cell, key)
  xs = random_inputs(key, 2, 6)
  lengths = jnp.array([6, 4])

  def loss(params, **kw):
    return jnp.sum(jnp.sin(recurrence.scan(cell, params, xs, lengths=lengths, impl="scan", **kw)[1]))

  ref = jax.value_and_grad(loss)(params)
  for kw in (dict(remat=True), dict(unroll=3)):
    chex.assert_trees_all_close(jax.value_and_grad(lambda p: loss(p, **kw))(params), ref, **TOL)
