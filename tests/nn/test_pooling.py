"""Pooling: NumPy oracles, last == the recurrence's final states, NaN padding never leaks."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells
from rnnlab import recurrence
from rnnlab.nn import pooling
from tests.conftest import FLOAT32_TOL

B, T, H, A = 4, 6, 5, 3
LENGTHS = np.array([6, 2, 4, 1])


def _states(seed=0):
  return np.random.default_rng(seed).normal(size=(B, T, H)).astype(np.float32)


def _with_nan_padding(ys):
  ys = ys.copy()
  for b, n in enumerate(LENGTHS):
    ys[b, n:] = np.nan
    ys[b, n + 1:] = np.inf
  return ys


def _oracle(method, ys, params=None):
  """One sequence at a time, valid steps only (seed 002 / Yang et al. 2016 eqs. 5-7)."""
  pooled, weights = [], []
  for b, n in enumerate(LENGTHS):
    h = ys[b, :n].astype(np.float64)
    if method == "last":
      pooled.append(h[-1])
    elif method == "mean":
      pooled.append(h.mean(axis=0))
    elif method == "max":
      pooled.append(h.max(axis=0))
    else:
      u = np.tanh(h @ params["w"] + params["b"])
      e = np.exp(u @ params["query"] - (u @ params["query"]).max())
      alpha = e / e.sum()
      pooled.append(alpha @ h)
      weights.append(np.concatenate([alpha, np.zeros(T - n)]))
  return np.stack(pooled), (np.stack(weights) if weights else None)


@pytest.mark.parametrize("method", pooling.METHODS)
def test_pooling_matches_numpy_oracle(method, key):
  ys = _states()
  params = jax.tree.map(np.asarray, pooling.init_attention(key, H, A))
  want, want_weights = _oracle(method, ys, params)
  got, weights = pooling.pool(method, jnp.asarray(ys), jnp.asarray(LENGTHS), params=params)
  np.testing.assert_allclose(got, want, **FLOAT32_TOL)
  if method == "attention":
    np.testing.assert_allclose(weights, want_weights, **FLOAT32_TOL)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, **FLOAT32_TOL)
  else:
    assert weights is None


@pytest.mark.parametrize("method", pooling.METHODS)
def test_nan_and_inf_in_padding_reach_neither_outputs_nor_gradients(method, key):
  clean = _states()
  dirty = _with_nan_padding(clean)
  params = pooling.init_attention(key, H, A)

  def objective(ys, p):
    pooled, _ = pooling.pool(method, ys, jnp.asarray(LENGTHS), params=p)
    return jnp.sum(jnp.sin(pooled))

  np.testing.assert_allclose(
      pooling.pool(method, jnp.asarray(dirty), jnp.asarray(LENGTHS), params=params)[0],
      pooling.pool(method, jnp.asarray(clean), jnp.asarray(LENGTHS), params=params)[0],
      **FLOAT32_TOL)
  g_dirty = jax.grad(objective, argnums=(0, 1))(jnp.asarray(dirty), params)
  g_clean = jax.grad(objective, argnums=(0, 1))(jnp.asarray(clean), params)
  for a in jax.tree.leaves(g_dirty):
    assert np.all(np.isfinite(a))
  for a, b in zip(jax.tree.leaves(g_dirty), jax.tree.leaves(g_clean)):
    np.testing.assert_allclose(a, b, **FLOAT32_TOL)
  mask = np.arange(T)[None, :] < LENGTHS[:, None]
  assert np.all(np.asarray(g_dirty[0])[~mask] == 0.0)


def test_last_equals_final_state_and_bidirectional_takes_backward_first_step(key):
  k_fw, k_bw, k_x = jax.random.split(key, 3)
  cell = cells.GRU(hidden_size=H)
  params = {"forward": cell.init(k_fw, 3), "backward": cell.init(k_bw, 3)}
  xs = jax.random.normal(k_x, (B, T, 3))
  lengths = jnp.asarray(LENGTHS)
  (final_fw, final_bw), ys = recurrence.bidirectional(cell, cell, params, xs, lengths=lengths)
  np.testing.assert_allclose(pooling.last_pool(ys[..., :H], lengths), final_fw, **FLOAT32_TOL)
  np.testing.assert_allclose(pooling.last_pool(ys, lengths, bidirectional=True),
                             jnp.concatenate([final_fw, final_bw], axis=-1), **FLOAT32_TOL)


def test_empty_sequence_pools_to_zeros(key):
  ys = jnp.asarray(_states())
  lengths = jnp.asarray([0, 2, 4, 1])
  params = pooling.init_attention(key, H, A)
  for method in pooling.METHODS:
    pooled, weights = pooling.pool(method, ys, lengths, params=params)
    np.testing.assert_array_equal(pooled[0], np.zeros(H))
    if weights is not None:
      np.testing.assert_array_equal(weights[0], np.zeros(T))


def test_module_holds_attention_params_and_matches_pure_function(key):
  ys, lengths = jnp.asarray(_states()), jnp.asarray(LENGTHS)
  module = pooling.Pooling(method="attention", attention_size=A)
  variables = module.init(key, ys, lengths)
  assert jax.tree.map(jnp.shape, variables["params"]) == {
      "attention": {"w": (H, A), "b": (A,), "query": (A,)}}
  got, weights = module.apply(variables, ys, lengths)
  want, want_weights = pooling.attention_pool(variables["params"]["attention"], ys, lengths)
  np.testing.assert_allclose(got, want, **FLOAT32_TOL)
  np.testing.assert_allclose(weights, want_weights, **FLOAT32_TOL)
  assert pooling.Pooling(method="mean").init(key, ys, lengths) == {}


def test_bad_method_and_odd_bidirectional_size_are_refused():
  ys, lengths = jnp.asarray(_states()), jnp.asarray(LENGTHS)
  with pytest.raises(ValueError, match="'median'.*allowed"):
    pooling.pool("median", ys, lengths)
  with pytest.raises(ValueError, match="even feature size"):
    pooling.last_pool(ys, lengths, bidirectional=True)
  with pytest.raises(ValueError, match="needs its params"):
    pooling.pool("attention", ys, lengths)
