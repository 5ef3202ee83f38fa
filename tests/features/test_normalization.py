"""Tests of per-utterance normalisation."""
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
