import numpy as np
import pytest

from rnnlab.data.translation import batching, grammar, tokenizers

PAIRS = [grammar.sample_sentence(np.random.default_rng(i), max_digits=4) for i in range(120)]
SRC = tokenizers.WordTokenizer.build(en for en, _ in PAIRS)
TGT = tokenizers.WordTokenizer.build(fr for _, fr in PAIRS)
BOUNDARIES = (16, 32, 64)


def _data():
  return batching.encode_pairs(PAIRS, SRC, TGT, max_source_length=64, max_target_length=64)


def test_batch_layout():
  data = _data()
  batch = batching.make_batch(data, np.array([0, 1]), 64, 64, batch_size=3)
  s, t = data.sources[0], data.targets[0]
  np.testing.assert_array_equal(batch["source"][0, :len(s)], s)
  assert batch["source"][0, len(s):].sum() == 0 and batch["source_length"][0] == len(s)
  assert batch["target_input"][0, 0] == tokenizers.BOS_ID
  np.testing.assert_array_equal(batch["target_input"][0, 1:len(t) + 1], t)
  np.testing.assert_array_equal(batch["target_output"][0, :len(t)], t)
  assert batch["target_output"][0, len(t)] == tokenizers.EOS_ID
  assert batch["target_mask"][0].sum() == len(t) + 1
  np.testing.assert_array_equal(batch["weight"], [1, 1, 0])
  np.testing.assert_array_equal(batch["index"], [0, 1, -1])
  assert TGT.decode(batch["target_output"][0]) == PAIRS[0][1]


def test_too_long_pairs_are_dropped_or_rejected():
  data = batching.encode_pairs(PAIRS, SRC, TGT, max_source_length=10, max_target_length=12)
  assert 0 < len(data) < len(PAIRS)
  assert all(len(s) <= 10 and len(t) + 1 <= 12 for s, t in zip(data.sources, data.targets))
  with pytest.raises(ValueError, match="limits are 10 / 12"):
    batching.encode_pairs(PAIRS, SRC, TGT, 10, 12, drop_too_long=False)


def test_training_batches_are_a_function_of_the_step():
  data = _data()
  a = batching.BucketedBatches(data, 8, BOUNDARIES, seed=3)
  b = batching.BucketedBatches(data, 8, BOUNDARIES, seed=3)
  for step in (0, 5, a.batches_per_epoch + 2, 3, 0):
    for key in ("source", "target_output", "index"):
      np.testing.assert_array_equal(a(step)[key], b(step)[key])
  seen = np.concatenate([a(k)["index"] for k in range(a.batches_per_epoch)])
  assert len(set(seen.tolist())) == len(seen)  # an epoch never repeats an example
  for k in range(a.batches_per_epoch):
    batch = a(k)
    assert batch["source"].shape[1] in BOUNDARIES
    assert batch["source"].shape == batch["target_input"].shape
  other_seed = batching.BucketedBatches(data, 8, BOUNDARIES, seed=4)
  assert not np.array_equal(a(0)["index"], other_seed(0)["index"])


def test_evaluation_batches_cover_every_example_once():
  data = _data()
  indices = np.concatenate([
      b["index"][b["weight"] > 0] for b in batching.evaluation_batches(data, 16, BOUNDARIES)])
  assert sorted(indices.tolist()) == data.indices.tolist()
  with pytest.raises(ValueError, match="exceeds the largest bucket boundary 4"):
    batching.bucket_of(5, (2, 4))
