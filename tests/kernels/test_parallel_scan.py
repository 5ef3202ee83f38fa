"""The parallel path of state-linear cells equals the plain scan, forward and gradients.

``impl="parallel"`` (``jax.lax.associative_scan``, log space for minGRU/minLSTM) against
``impl="scan"`` (``cell.step`` in ``lax.scan``) for every state-linear cell: lengths (7, 4, 0)
(a full row, a padded row, an empty row), reversal within lengths, random initial states,
bidirectional, stacked, chunked remat, and bfloat16 compute with float32 state. Gradients are
with respect to params, inputs and initial states.

Tolerances: float32 FLOAT32_TOL (rtol=atol=1e-5). bfloat16 compute: rtol=2e-2 and an
absolute tolerance of 2e-2 times the largest magnitude in the leaf, because the two paths sum
the same float32 terms in a different order, the bfloat16 outputs (8-bit mantissa, eps 2^-7 =
7.8e-3) can then round to neighbouring values (about 2 ulps), and a parameter gradient sums
many such bfloat16 products with cancellation, so its error scales with the leaf, not the entry.

Complex states (LRU) are compared as complex numbers and enter the loss through their real
and imaginary parts.
"""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, kernels, recurrence
from tests.cells.cases import LINEAR_CELLS
from tests.conftest import FLOAT32_TOL
from tests.kernels import fused_vs_scan

BF16_TOL = dict(rtol=2e-2, atol=2e-2)


def random_like(key, tree):
  """Random normal leaves of each leaf's shape (complex leaves get complex values)."""
  leaves, treedef = jax.tree.flatten(tree)
  keys = jax.random.split(key, len(leaves))
  return jax.tree.unflatten(treedef, [
      jax.random.normal(k, x.shape, jnp.complex64 if jnp.iscomplexobj(x) else jnp.float32)
      for k, x in zip(keys, leaves)])


def weighted_sum(tree, weights):
  """``sum Re(x) Re(w) + Im(x) Im(w)`` over all leaves: a real loss touching every part."""
  return sum(jnp.sum(jnp.real(x).astype(jnp.float32) * jnp.real(w))
             + jnp.sum(jnp.imag(x).astype(jnp.float32) * jnp.imag(w))
             for x, w in zip(jax.tree.leaves(tree), jax.tree.leaves(weights)))


def assert_trees_close(actual, expected, rtol, atol, what, scale_atol=False):
  """Leaf-wise ``|a - e| <= atol' + rtol |e|`` (complex-aware); ``atol' = atol * max|e|`` if
  ``scale_atol``. Names the first failing leaf."""
  paths = jax.tree_util.tree_flatten_with_path(actual)[0]
  leaves_e = jax.tree.leaves(expected)
  assert len(paths) == len(leaves_e), what
  for (path, a), e in zip(paths, leaves_e):
    assert a.shape == e.shape and a.dtype == e.dtype, (what, path, a.dtype, e.dtype)
    a, e = np.asarray(a, np.complex128), np.asarray(e, np.complex128)
    tol = atol * max(float(np.max(np.abs(e), initial=0.0)), 1.0) if scale_atol else atol
    np.testing.assert_allclose(a, e, rtol=rtol, atol=tol,
                               err_msg=f"{what} {jax.tree_util.keystr(path)}")


def make_case(cell, scenario, key):
  """``fused_vs_scan.make_case`` with random complex initial states for complex cells."""
  run, params, xs, state0, lengths = fused_vs_scan.make_case(cell, scenario, key)
  return run, params, xs, random_like(jax.random.fold_in(key, 7), cell_states(state0, cell)), lengths


def cell_states(state0, cell):
  """``state0`` with each leaf in the cell's state dtype (complex64 for the LRU)."""
  ref = jax.tree.leaves(cell.initial_state((1,)))[0].dtype
  return jax.tree.map(lambda s: s.astype(ref), state0)


def _parallel_vs_scan(run, params, xs, state0, lengths, key):
  shapes = jax.eval_shape(lambda p, x, s, n: run(p, x, s, n, "scan"), params, xs, state0, lengths)
  weights = random_like(key, shapes)

  def both(p, x, s, n):
    result = {}
    for impl in ("parallel", "scan"):
      def loss(p, x, s, impl=impl):
        out = run(p, x, s, n, impl)
        return weighted_sum(out, weights), out
      grads, out = jax.grad(loss, argnums=(0, 1, 2), has_aux=True)(p, x, s)
      result[impl] = (out, grads)
    return result

  return jax.jit(both)(params, xs, state0, lengths)


def check(cell, scenario, key, tol):
  run, params, xs, state0, lengths = make_case(cell, scenario, key)
  result = _parallel_vs_scan(run, params, xs, state0, lengths, key)
  (out_p, grads_p), (out_s, grads_s) = result["parallel"], result["scan"]
  assert_trees_close(out_p, out_s, tol["rtol"], tol["atol"], "outputs")
  assert_trees_close(grads_p, grads_s, tol["rtol"], tol["atol"], "gradients")


def _with_remat(cell, key):
  _, params, xs, state0, lengths = make_case(cell, "reverse", key)

  def run(p, x, s, n, impl):
    return recurrence.scan(cell, p, x, lengths=n, reverse=True, initial_state=s, remat=True,
                           impl=impl)

  return run, params, xs, state0, lengths


NAMES = sorted(LINEAR_CELLS)


@pytest.mark.parametrize("name", NAMES)
def test_bidirectional_with_lengths_and_initial_states(name, key):
  """Forward and reversed-within-lengths masked scans, lengths (7, 4, 0), random h0."""
  check(LINEAR_CELLS[name], "bidirectional", key, FLOAT32_TOL)


@pytest.mark.parametrize("name", NAMES)
def test_remat_reverse_with_lengths(name, key):
  run, params, xs, state0, lengths = _with_remat(LINEAR_CELLS[name], key)
  result = _parallel_vs_scan(run, params, xs, state0, lengths, key)
  for part, what in ((0, "outputs"), (1, "gradients")):
    assert_trees_close(result["parallel"][part], result["scan"][part], 1e-5, 1e-5, what)


@pytest.mark.parametrize("name", NAMES)
def test_bfloat16_compute_float32_state(name, key):
  cell = dataclasses.replace(LINEAR_CELLS[name], dtype=jnp.bfloat16)
  run, params, xs, state0, lengths = make_case(cell, "lengths", key)
  result = _parallel_vs_scan(run, params, xs, state0, lengths, key)
  final, ys = result["parallel"][0]
  assert ys.dtype == jnp.bfloat16
  assert [leaf.dtype for leaf in jax.tree.leaves(final)] == [
      leaf.dtype for leaf in jax.tree.leaves(LINEAR_CELLS[name].initial_state((1,)))]
  for part, what in ((0, "outputs"), (1, "gradients")):
    assert_trees_close(result["parallel"][part], result["scan"][part], BF16_TOL["rtol"],
                       BF16_TOL["atol"], what, scale_atol=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scenario", ["full", "reverse_lengths_unroll3", "stacked"])
def test_other_scenarios(name, scenario, key):
  check(LINEAR_CELLS[name], scenario, key, FLOAT32_TOL)


def test_linear_recurrence_equals_a_loop_real_and_complex(key):
  k_a, k_b, k_h = jax.random.split(key, 3)
  for dtype in (jnp.float32, jnp.complex64):
    a = jax.random.normal(k_a, (11, 3, 2), dtype)
    b = jax.random.normal(k_b, (11, 3, 2), dtype)
    h = jax.random.normal(k_h, (3, 2), dtype)
    hs = kernels.linear_recurrence(a, b, h)
    for t in range(11):
      h = a[t] * h + b[t]
      np.testing.assert_allclose(hs[t], h, **FLOAT32_TOL)


def test_log_linear_recurrence_equals_linear_one_with_any_sign_initial_state(key):
  k_a, k_b, k_h = jax.random.split(key, 3)
  a = jax.random.uniform(k_a, (9, 4), minval=0.1, maxval=1.0)
  b = jax.random.uniform(k_b, (9, 4), minval=0.1, maxval=2.0)
  h0 = jnp.array([-1.0, 0.0, 2.0, -3.0])
  np.testing.assert_allclose(kernels.log_linear_recurrence(jnp.log(a), jnp.log(b), h0),
                             kernels.linear_recurrence(a, b, h0), **FLOAT32_TOL)


def test_zero_length_time_axis_returns_initial_state(key):
  cell = cells.MinGRU(3)
  params = cell.init(key, 2)
  h0 = jnp.ones((2, 3))
  final, ys = kernels.parallel_scan.parallel_scan(cell, params, jnp.zeros((0, 2, 6)), h0, None)
  np.testing.assert_array_equal(final, h0)
  assert ys.shape == (0, 2, 3)


@pytest.mark.slow  # 10-26 s per cell on the shared 2-core CPU, mostly compiling the scan
@pytest.mark.parametrize("name", NAMES)
def test_finite_gradients_at_8192_steps(name, key):
  """The parallel path at T = 8192 (the log-space scan of minGRU/minLSTM, their plain
  ``log_space=False`` scan, the LRU and RG-LRU), a padded row of 5000 steps included: finite,
  non-zero gradients with respect to params and inputs."""
  cell = LINEAR_CELLS[name]
  params = cell.init(key, 4)
  xs = jax.random.normal(key, (2, 8192, 4))

  @jax.jit
  def loss(params, xs):
    final, ys = recurrence.scan(cell, params, xs, lengths=jnp.array([8192, 5000]), impl="parallel")
    return jnp.mean(ys.astype(jnp.float32) ** 2) + jnp.mean(jnp.abs(final) ** 2)

  value, grads = jax.value_and_grad(loss, argnums=(0, 1))(params, xs)
  assert bool(jnp.isfinite(value))
  for leaf in jax.tree.leaves(grads):
    assert bool(jnp.all(jnp.isfinite(leaf))) and float(jnp.max(jnp.abs(leaf))) > 0.0
