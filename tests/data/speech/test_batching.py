"""Tests of duration-bucketed speech batches."""
import numpy as np
import pytest

from rnnlab.data.speech import batching


def _data():
  rng = np.random.default_rng(0)
  lengths = [5, 12, 7, 25, 3, 18, 9]
  audios = [rng.integers(-100, 100, n).astype(np.int16) for n in lengths]
  labels = [np.arange(1, 1 + (n % 4) + 1) for n in lengths]
  return audios, labels


def test_batches_cover_every_utterance_once_padded_to_buckets():
  audios, labels = _data()
  batches = batching.SpeechBatches(audios, labels, batch_size=2, bucket_samples=10,
                                   label_length=8, seed=3)
  seen = []
  for indices in batches.plan(0):
    batch = batches.make_batch(indices)
    assert batch["audio"].shape[0] == 2 and batch["audio"].shape[1] % 10 == 0
    assert batch["labels"].shape == (2, 8)
    longest = max(audios[i].shape[0] for i in indices)
    assert batch["audio"].shape[1] == -(-longest // 10) * 10
    for row, i in enumerate(indices):
      n = audios[i].shape[0]
      np.testing.assert_array_equal(batch["audio"][row, :n], audios[i])
      assert not batch["audio"][row, n:].any() and batch["num_samples"][row] == n
      np.testing.assert_array_equal(batch["labels"][row, :labels[i].shape[0]], labels[i])
    assert batch["num_samples"][len(indices):].sum() == 0  # short batch rows are empty
    seen += list(indices)
  assert sorted(seen) == list(range(len(audios)))


def test_epochs_differ_and_iterator_resumes():
  audios, labels = _data()
  batches = batching.SpeechBatches(audios, labels, 2, 10, 8, seed=0)
  assert [list(b) for b in batches.plan(0)] != [list(b) for b in batches.plan(1)]
  it = batches.iterator()
  for _ in range(3):
    next(it)
  state = it.get_state()
  expected = next(it)
  resumed = batches.iterator(state=state)
  got = next(resumed)
  for key in expected:
    np.testing.assert_array_equal(got[key], expected[key])


def test_bad_arguments():
  audios, labels = _data()
  with pytest.raises(ValueError, match="label_length=2 is shorter"):
    batching.SpeechBatches(audios, labels, 2, 10, label_length=2)
  with pytest.raises(ValueError, match="as many labels as audios"):
    batching.SpeechBatches(audios, labels[:-1], 2, 10, 8)
