"""Tests of per-utterance normalisation."""
import jax
import numpy as np

from rnnlab.features import normalization


def test_zero_mean_unit_variance_on_valid_frames_zero_on_padding():
  rng = np.random.default_rng(0)
  x = (rng.standard_normal((2, 10, 4)) * 3.0 + 5.0).astype(np.float32)
  out = np.asarray(normalization.normalize_per_utterance(x, np.array([10, 6])))
  np.testing.assert_allclose(out[0].mean(0), 0.0, atol=1e-5)
  np.testing.assert_allclose(out[0].std(0), 1.0, atol=1e-4)  # epsilon 1e-5 vs variance ~9
  np.testing.assert_allclose(out[1, :6].mean(0), 0.0, atol=1e-5)
  np.testing.assert_allclose(out[1, :6].std(0), 1.0, atol=1e-4)
  assert np.all(out[1, 6:] == 0.0)
  np.testing.assert_allclose(
      out[1, :6], np.asarray(normalization.normalize_per_utterance(x[1:, :6], np.array([6])))[0],
      rtol=1e-5, atol=1e-5)


def test_nan_or_inf_in_padded_frames_reaches_no_output_or_gradient():
  # Issue 18 item 2: the statistics pool over valid frames only, by selection.
  rng = np.random.default_rng(1)
  lengths = np.array([10, 6, 0])
  valid = (np.arange(10)[None, :] < lengths[:, None])[..., None]
  clean = np.where(valid, rng.standard_normal((3, 10, 4)), 0.0).astype(np.float32)
  poison = np.array([np.nan, np.inf, -np.inf], np.float32)[np.arange(10) % 3][None, :, None]
  bad = np.where(valid, clean, poison).astype(np.float32)
  weights = rng.standard_normal((3, 10, 4)).astype(np.float32)

  def total(x):
    return (normalization.normalize_per_utterance(x, lengths) * weights).sum()

  np.testing.assert_allclose(normalization.normalize_per_utterance(bad, lengths),
                             normalization.normalize_per_utterance(clean, lengths),
                             rtol=1e-5, atol=1e-5)
  grad, want = jax.grad(total)(bad), jax.grad(total)(clean)
  assert np.all(np.isfinite(grad))
  np.testing.assert_allclose(grad, want, rtol=1e-5, atol=1e-5)
