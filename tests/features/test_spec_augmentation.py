"""Tests of SpecAugment masking."""
import jax
import numpy as np

from rnnlab.features import spec_augmentation as sa


def _features():
  return np.random.default_rng(0).uniform(1.0, 2.0, (3, 50, 20)).astype(np.float32)


def test_masks_are_bands_within_limits_and_inside_lengths(key):
  x, lengths = _features(), np.array([50, 30, 10])
  out = np.asarray(sa.spec_augment(key, x, lengths, num_freq_masks=1, freq_mask_width=5,
                                   num_time_masks=1, time_mask_width=8,
                                   time_mask_max_fraction=0.2))
  masked = out == 0.0
  np.testing.assert_array_equal(out[~masked], x[~masked])
  for i, length in enumerate(lengths):
    assert not masked[i, length:].any()  # padding untouched
    full_freq = masked[i, :length].all(axis=0)  # masked channels: every valid frame
    full_time = masked[i].all(axis=1)  # masked frames: every channel
    assert full_freq.sum() <= 5
    assert full_time.sum() <= min(8, int(0.2 * length))
    # A channel is masked at a frame only via a frequency band or a time span.
    np.testing.assert_array_equal(masked[i, :length],
                                  full_freq[None, :] | full_time[:length, None])


def test_deterministic_per_key_and_varies_with_key(key):
  x, lengths = _features(), np.array([50, 30, 10])
  a = np.asarray(sa.spec_augment(key, x, lengths))
  b = np.asarray(sa.spec_augment(key, x, lengths))
  c = np.asarray(sa.spec_augment(jax.random.key(1), x, lengths))
  np.testing.assert_array_equal(a, b)
  assert not np.array_equal(a, c)


def test_no_masks_is_identity(key):
  x = _features()
  out = sa.spec_augment(key, x, np.array([50, 30, 10]), num_freq_masks=0, num_time_masks=0)
  np.testing.assert_array_equal(np.asarray(out), x)
