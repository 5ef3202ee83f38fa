"""token_nll: the NumPy cross-entropy at valid tokens; padding holding NaN/inf or bad ids
reaches neither the value nor the gradient (issue 18 item 2)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab.models import losses
from tests.conftest import FLOAT32_TOL

B, T, V = 3, 5, 4
LENGTHS = np.array([5, 2, 0])
MASK = np.arange(T)[None, :] < LENGTHS[:, None]


def _clean(seed=0):
  rng = np.random.default_rng(seed)
  logits = rng.normal(size=(B, T, V)).astype(np.float32) * 2.0
  targets = rng.integers(0, V, size=(B, T)).astype(np.int32)
  return np.where(MASK[..., None], logits, 0.0), np.where(MASK, targets, 0)


def _poison(logits, targets):
  poison = np.array([np.nan, np.inf, -np.inf], np.float32)[np.arange(T) % 3][None, :, None]
  return (np.where(MASK[..., None], logits, poison).astype(np.float32),
          np.where(MASK, targets, np.array([V, -7, 10**6])[np.arange(T) % 3][None, :]))


@pytest.mark.parametrize("mask", [MASK, MASK.astype(np.float32)])
def test_equals_numpy_cross_entropy_at_valid_tokens_and_zero_elsewhere(mask):
  logits, targets = _clean()
  shifted = logits - logits.max(-1, keepdims=True)
  log_softmax = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
  want = -np.take_along_axis(log_softmax, targets[..., None], axis=-1)[..., 0] * MASK
  got = losses.token_nll(*_poison(logits, targets), mask)
  assert got.dtype == jnp.float32
  np.testing.assert_allclose(got, want, **FLOAT32_TOL)
  assert np.all(np.asarray(got)[~MASK] == 0.0)


def test_gradient_ignores_nan_inf_and_bad_ids_in_padding():
  logits, targets = _clean(1)
  bad_logits, bad_targets = _poison(logits, targets)
  weights = np.random.default_rng(2).uniform(size=(B, T)).astype(np.float32)

  def loss(logits, targets):
    return jnp.sum(losses.token_nll(logits, targets, MASK) * weights)

  value, grad = jax.value_and_grad(loss)(bad_logits, bad_targets)
  want_value, want_grad = jax.value_and_grad(loss)(logits, targets)
  np.testing.assert_allclose(value, want_value, **FLOAT32_TOL)
  assert np.all(np.isfinite(grad))
  np.testing.assert_allclose(grad, want_grad, **FLOAT32_TOL)
  assert np.all(np.asarray(grad)[~MASK] == 0.0)
