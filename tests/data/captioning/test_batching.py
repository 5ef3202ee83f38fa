"""Caption batches: targets, resumable order, every pair once per epoch, padded eval batches."""
import numpy as np
import pytest

from rnnlab.data.captioning import batching


def _data():
  images = np.arange(3)[:, None, None, None] * np.ones((3, 4, 4, 3), np.uint8)
  encoded = [[[5, 6], [7]], [[8, 9, 10]], [[11], [12, 13], [14]]]
  return images, encoded


def test_targets_are_bos_shifted_with_eos_and_mask():
  images, encoded = _data()
  batches = batching.TrainingBatches(images, encoded, batch_size=2, max_length=3, seed=0)
  batch = batches(0)
  for row in range(2):
    i = batch["index"][row]
    assert batch["image"][row, 0, 0, 0] == i
    out = batch["target_output"][row]
    n = int(batch["target_mask"][row].sum())
    assert out[n - 1] == batching.EOS_ID and batch["target_input"][row, 0] == batching.BOS_ID
    np.testing.assert_array_equal(batch["target_input"][row, 1:n], out[:n - 1])


def test_epoch_visits_every_pair_once_and_is_a_function_of_position():
  images, encoded = _data()
  batches = batching.TrainingBatches(images, encoded, batch_size=3, max_length=5, seed=4)
  assert batches.batches_per_epoch == 2
  seen = []
  for position in range(2):
    b = batches(position)
    seen += [(int(i), tuple(int(t) for t in o[:int(m.sum()) - 1]))
             for i, o, m in zip(b["index"], b["target_output"], b["target_mask"])]
  assert sorted(seen) == sorted((i, tuple(c)) for i, caps in enumerate(encoded) for c in caps)
  again = batching.TrainingBatches(images, encoded, batch_size=3, max_length=5, seed=4)
  np.testing.assert_array_equal(again(5)["target_output"], batches(5)["target_output"])


def test_long_captions_are_cut_and_eval_batches_pad_with_zero_weight():
  images, encoded = _data()
  batches = list(batching.evaluation_batches(images, encoded, batch_size=2, max_length=3))
  assert len(batches) == 2
  last = batches[1]
  np.testing.assert_array_equal(last["weight"], [1.0, 0.0])
  np.testing.assert_array_equal(last["index"], [2, -1])
  assert last["target_mask"][1].sum() == 0
  assert batches[0]["target_output"][1].tolist() == [8, 9, batching.EOS_ID]  # cut to 2 + EOS
  with pytest.raises(ValueError, match="6 training captions for batch_size=7"):
    batching.TrainingBatches(images, encoded, batch_size=7, max_length=3, seed=0)
