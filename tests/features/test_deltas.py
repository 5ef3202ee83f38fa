"""Tests of delta features."""
import numpy as np
import pytest

from rnnlab.features import deltas

FLOAT32_TOL = dict(rtol=1e-5, atol=1e-5)


def test_ramp_has_constant_delta_and_zero_delta_delta_inside():
  x = np.arange(20, dtype=np.float32)[None, :, None] * 0.5  # slope 0.5 per frame
  out = np.asarray(deltas.add_deltas(x, np.array([20]), order=2, window=2))
  assert out.shape == (1, 20, 3)
  np.testing.assert_allclose(out[0, :, 0], x[0, :, 0], **FLOAT32_TOL)
  np.testing.assert_allclose(out[0, 2:-2, 1], 0.5, **FLOAT32_TOL)
  np.testing.assert_allclose(out[0, 4:-4, 2], 0.0, **FLOAT32_TOL)


def test_matches_numpy_oracle_with_edge_replication():
  rng = np.random.default_rng(1)
  x = rng.standard_normal((1, 9, 2)).astype(np.float32)
  padded = np.pad(x, ((0, 0), (2, 2), (0, 0)), mode="edge")
  oracle = sum(n * (padded[:, 2 + n:11 + n] - padded[:, 2 - n:11 - n]) for n in (1, 2)) / 10.0
  out = np.asarray(deltas.add_deltas(x, np.array([9]), order=1))
  np.testing.assert_allclose(out[..., 2:], oracle, **FLOAT32_TOL)


def test_padding_does_not_leak():
  rng = np.random.default_rng(2)
  x = rng.standard_normal((1, 7, 3)).astype(np.float32)
  batch = np.concatenate([x, np.full((1, 5, 3), 100.0, np.float32)], axis=1)
  out = np.asarray(deltas.add_deltas(batch, np.array([7]), order=2))
  np.testing.assert_allclose(out[:, :7], np.asarray(deltas.add_deltas(x, np.array([7]), order=2)),
                             **FLOAT32_TOL)


def test_bad_order():
  with pytest.raises(ValueError, match="order"):
    deltas.add_deltas(np.zeros((1, 3, 2)), np.array([3]), order=-1)
