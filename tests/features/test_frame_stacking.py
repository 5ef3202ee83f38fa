"""Tests of frame stacking."""
import numpy as np
import pytest

from rnnlab.features import frame_stacking


def test_stacks_consecutive_frames_and_zero_pads():
  x = np.arange(2 * 5 * 2, dtype=np.float32).reshape(2, 5, 2) + 1.0
  out, lengths = frame_stacking.stack_frames(x, np.array([5, 3]), 2)
  out = np.asarray(out)
  assert out.shape == (2, 3, 4)
  np.testing.assert_array_equal(lengths, [3, 2])
  np.testing.assert_array_equal(out[0, 0], np.concatenate([x[0, 0], x[0, 1]]))
  np.testing.assert_array_equal(out[0, 2], np.concatenate([x[0, 4], [0.0, 0.0]]))
  np.testing.assert_array_equal(out[1, 1], np.concatenate([x[1, 2], [0.0, 0.0]]))
  np.testing.assert_array_equal(out[1, 2], 0.0)


def test_stride_one_only_masks():
  x = np.ones((1, 4, 2), np.float32)
  out, lengths = frame_stacking.stack_frames(x, np.array([3]), 1)
  np.testing.assert_array_equal(np.asarray(out)[0, :, 0], [1, 1, 1, 0])
  np.testing.assert_array_equal(lengths, [3])


def test_bad_stride():
  with pytest.raises(ValueError, match="stride"):
    frame_stacking.stack_frames(np.ones((1, 4, 2)), np.array([4]), 0)
