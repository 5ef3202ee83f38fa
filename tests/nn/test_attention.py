"""Attention: NumPy oracles from the paper equations, masking, caching, Linen == pure."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab.nn import attention
from tests.conftest import FLOAT32_TOL

B, S, Q, K, A = 3, 5, 4, 6, 7
LENGTHS = np.array([5, 2, 3])


def _inputs(seed=0):
  rng = np.random.default_rng(seed)
  query = rng.normal(size=(B, Q)).astype(np.float32)
  keys = rng.normal(size=(B, S, K)).astype(np.float32)
  mask = np.arange(S)[None, :] < LENGTHS[:, None]
  return query, keys, mask


def _softmax_oracle(scores, mask):
  out = np.zeros_like(scores)
  for b in range(scores.shape[0]):
    e = np.exp(scores[b, mask[b]] - scores[b, mask[b]].max())
    out[b, mask[b]] = e / e.sum()
  return out


def test_additive_matches_bahdanau_equation(key):
  query, keys, mask = _inputs()
  params = attention.init_additive(key, Q, K, A)
  p = jax.tree.map(np.asarray, params)
  scores = np.array([[p["v"] @ np.tanh(query[b] @ p["w_query"] + keys[b, s] @ p["w_key"]
                                        + p["bias"]) for s in range(S)] for b in range(B)])
  weights = _softmax_oracle(scores, mask)
  context, got = attention.additive_attention(params, query, keys, keys, mask)
  np.testing.assert_allclose(got, weights, **FLOAT32_TOL)
  np.testing.assert_allclose(context, np.einsum("bs,bsd->bd", weights, keys), **FLOAT32_TOL)


def test_dot_and_general_match_luong_equations(key):
  query, keys, mask = _inputs()
  params = attention.init_general(key, Q, K)
  w = np.asarray(params["w"])
  scores = np.einsum("bq,bsq->bs", query, keys @ w)
  context, weights = attention.general_attention(params, query, keys, keys, mask)
  np.testing.assert_allclose(weights, _softmax_oracle(scores, mask), **FLOAT32_TOL)
  np.testing.assert_allclose(context, np.einsum("bs,bsd->bd", weights, keys), **FLOAT32_TOL)
  square_keys = keys[..., :Q]
  _, dot_weights = attention.dot_attention(query, square_keys, keys, mask)
  want = _softmax_oracle(np.einsum("bq,bsq->bs", query, square_keys), mask)
  np.testing.assert_allclose(dot_weights, want, **FLOAT32_TOL)


@pytest.mark.parametrize("kind", attention.KINDS)
def test_padding_is_ignored_and_cached_keys_agree(kind, key):
  query, keys, mask = _inputs()
  keys = keys[..., :Q] if kind == "dot" else keys
  params = attention.init_attention(kind, key, Q, keys.shape[-1], A)
  projected = attention.project_keys(kind, params, keys)
  context, weights = attention.attend(kind, params, query, projected, keys, mask)
  assert np.all(np.asarray(weights)[~mask] == 0.0)
  np.testing.assert_allclose(np.asarray(weights).sum(-1), 1.0, **FLOAT32_TOL)
  garbage = np.where(mask[..., None], keys, 1e3).astype(np.float32)
  garbage_keys = attention.project_keys(kind, params, garbage)
  context2, weights2 = attention.attend(kind, params, query, garbage_keys, garbage, mask)
  np.testing.assert_allclose(context2, context, **FLOAT32_TOL)
  np.testing.assert_allclose(weights2, weights, **FLOAT32_TOL)


def test_empty_source_row_gives_zeros_not_nan(key):
  query, keys, _ = _inputs()
  mask = np.zeros((B, S), bool)
  mask[0, :2] = True
  params = attention.init_additive(key, Q, K, A)
  context, weights = attention.additive_attention(params, query, keys, keys, mask)
  assert np.all(np.asarray(weights)[1:] == 0.0) and np.all(np.asarray(context)[1:] == 0.0)
  def total(q):
    return attention.additive_attention(params, q, keys, keys, mask)[0].sum()

  grad = jax.grad(total)(query)
  assert np.all(np.isfinite(grad))


def test_linen_modules_equal_pure_functions(key):
  query, keys, mask = _inputs()
  module = attention.AdditiveAttention(attention_size=A)
  variables = module.init(key, query, keys, keys, mask)
  got = module.apply(variables, query, keys, keys, mask)
  want = attention.additive_attention(variables["params"]["attention"], query, keys, keys, mask)
  np.testing.assert_allclose(got[0], want[0], **FLOAT32_TOL)
  module = attention.GeneralAttention()
  variables = module.init(key, query, keys, keys, mask)
  assert variables["params"]["attention"]["w"].shape == (K, Q)
  got = module.apply(variables, query, keys, keys, mask)
  want = attention.general_attention(variables["params"]["attention"], query, keys, keys, mask)
  np.testing.assert_allclose(got[1], want[1], **FLOAT32_TOL)
  assert attention.DotAttention().init(key, query, keys[..., :Q], keys, mask) == {}


def test_bad_arguments(key):
  query, keys, mask = _inputs()
  with pytest.raises(ValueError, match="query size == key size; got 4 and 6"):
    attention.dot_attention(query, keys, keys, mask)
  with pytest.raises(ValueError, match="unknown attention kind 'cosine'"):
    attention.init_attention("cosine", key, Q, K, A)
  with pytest.raises(ValueError, match="attention_size=0"):
    attention.init_additive(key, Q, K, 0)
  with pytest.raises(ValueError, match="query size == key size"):
    attention.init_attention("dot", key, Q, K, A)


# ---- masked positions hold NaN or inf (issue 18 item 2) ----------------------------------

def _poisoned(kind, key, poison):
  """Two real positions whose keys tie (weights 0.5, 0.5), a third masked one = ``poison``."""
  values = np.array([[[1.0, 2.0], [3.0, 4.0], [poison, poison]]], np.float32)
  keys = np.array([[[0.3, -0.2], [0.3, -0.2], [poison, poison]]], np.float32)
  mask = np.array([[True, True, False]])
  query = np.array([[0.5, 1.0]], np.float32)
  params = attention.init_attention(kind, key, 2, 2, A)
  return params, query, keys, values, mask


def _attend_both_ways(kind, params, query, keys, values, mask):
  """The one-call function of ``kind`` and ``attend`` over cached (projected) keys."""
  one_call = {"additive": lambda: attention.additive_attention(params, query, keys, values, mask),
              "dot": lambda: attention.dot_attention(query, keys, values, mask),
              "general": lambda: attention.general_attention(params, query, keys, values, mask)}
  cached = attention.attend(kind, params, query, attention.project_keys(kind, params, keys, mask),
                            values, mask)
  return one_call[kind](), cached


@pytest.mark.parametrize("poison", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("kind", attention.KINDS)
def test_masked_nan_or_inf_does_not_reach_the_context(kind, poison, key):
  params, query, keys, values, mask = _poisoned(kind, key, poison)
  for context, weights in _attend_both_ways(kind, params, query, keys, values, mask):
    np.testing.assert_allclose(weights, [[0.5, 0.5, 0.0]], **FLOAT32_TOL)
    np.testing.assert_allclose(context, [[2.0, 3.0]], **FLOAT32_TOL)


@pytest.mark.parametrize("poison", [np.nan, np.inf])
@pytest.mark.parametrize("kind", attention.KINDS)
def test_masked_nan_or_inf_gives_the_clean_gradients(kind, poison, key):
  # The gradient with poison in the masked row equals the gradient with zeros there, and is
  # zero for the masked keys and values themselves.
  params, query, keys, values, mask = _poisoned(kind, key, poison)
  _, _, clean_keys, clean_values, _ = _poisoned(kind, key, 0.0)
  rng = np.random.default_rng(0)
  keys[0, 1] = rng.normal(size=2)  # untie the real keys: non-trivial weights
  clean_keys[0, 1] = keys[0, 1]

  def loss(params, query, keys, values, way):
    (context, weights) = _attend_both_ways(kind, params, query, keys, values, mask)[way]
    return jnp.sum(context * jnp.array([[1.0, -2.0]])) + jnp.sum(weights[:, 0])

  for way in (0, 1):
    got = jax.grad(loss, argnums=(0, 1, 2, 3))(params, query, keys, values, way)
    want = jax.grad(loss, argnums=(0, 1, 2, 3))(params, query, clean_keys, clean_values, way)
    for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
      assert np.all(np.isfinite(g))
      np.testing.assert_allclose(g, w, **FLOAT32_TOL)
    assert np.all(np.asarray(got[2])[0, 2] == 0.0) and np.all(np.asarray(got[3])[0, 2] == 0.0)
