"""Sentence batches: padding, masks, lengths, bucketing, per-epoch order, resume, errors."""
import numpy as np
import pytest

from rnnlab.data import sentence_batching
from rnnlab.data import tokenizers


def _sequences(n=23, seed=0):
  rng = np.random.default_rng(seed)
  return [rng.integers(1, 50, size=int(rng.integers(2, 15))) for _ in range(n)]


def test_batches_hold_each_sequence_once_with_masks():
  seqs = _sequences()
  batches = sentence_batching.SentenceBatches(seqs, batch_size=4, seed=3)
  assert batches.num_batches == 6
  seen = []
  for b in batches.iterator(num_epochs=1):
    assert b["inputs"].shape == b["targets"].shape == b["mask"].shape
    assert b["inputs"].shape[0] == 4 and b["inputs"].shape[1] == b["lengths"].max()
    for row in range(4):
      n = int(b["lengths"][row])
      np.testing.assert_array_equal(b["mask"][row], (np.arange(b["mask"].shape[1]) < n))
      assert np.all(b["inputs"][row, n:] == 0) and np.all(b["targets"][row, n:] == 0)
      if n:
        seen.append(np.concatenate([b["inputs"][row, :n], b["targets"][row, n - 1:n]]).tolist())
  assert sorted(seen) == sorted(s.tolist() for s in seqs)


def test_bucketing_pads_to_boundaries():
  seqs = _sequences(40)
  batches = sentence_batching.SentenceBatches(seqs, batch_size=5, bucket_boundaries=[4, 8, 16])
  for position in range(batches.num_batches):
    b = batches.batch(position)
    width = b["inputs"].shape[1]
    assert width in (4, 8, 16)
    valid = b["lengths"][b["lengths"] > 0]
    lower = {4: 0, 8: 4, 16: 8}[width]
    assert np.all((valid > lower) & (valid <= width))  # one bucket per batch


def test_order_depends_on_seed_and_epoch_only():
  seqs = _sequences()
  a = sentence_batching.SentenceBatches(seqs, batch_size=4, seed=1)
  b = sentence_batching.SentenceBatches(seqs, batch_size=4, seed=1)
  plan = [p.tolist() for p in a.plan(0)]
  assert plan == [p.tolist() for p in b.plan(0)]
  assert plan != [p.tolist() for p in a.plan(1)]
  unshuffled = sentence_batching.SentenceBatches(seqs, batch_size=4, shuffle=False)
  assert np.concatenate(unshuffled.plan(5)).tolist() == list(range(len(seqs)))


def test_resume_gives_identical_batches():
  batches = sentence_batching.SentenceBatches(_sequences(), batch_size=4, bucket_boundaries=[8, 16])
  it = batches.iterator()
  for _ in range(batches.num_batches + 2):
    next(it)
  state = it.get_state()
  expected = [next(it) for _ in range(9)]
  resumed = batches.iterator(state=state)
  for want in expected:
    got = next(resumed)
    for key in ("inputs", "targets", "mask", "lengths", "epoch", "position"):
      np.testing.assert_array_equal(got[key], want[key])
  np.testing.assert_array_equal(batches.batch(expected[0]["position"], expected[0]["epoch"])[
      "inputs"], expected[0]["inputs"])


def test_lm_sentences_wrap_words_in_eos():
  tok = tokenizers.build_tokenizer("word", "the cat sat\nthe dog\n")
  seqs = sentence_batching.lm_sentences(["the cat", "", "a dog"], tok, tok.eos_id)
  assert [tok.vocabulary.tokens[i] for i in seqs[0]] == ["<eos>", "the", "cat", "<eos>"]
  assert [tok.vocabulary.tokens[i] for i in seqs[1]] == ["<eos>", "<unk>", "dog", "<eos>"]
  assert len(seqs) == 2


def test_bad_inputs_raise():
  with pytest.raises(ValueError, match="at least one sequence"):
    sentence_batching.SentenceBatches([], batch_size=2)
  with pytest.raises(ValueError, match=r"length >= 2; bad indices \[1\]"):
    sentence_batching.SentenceBatches([np.arange(3), np.arange(1)], batch_size=2)
  with pytest.raises(ValueError, match="more than the last bucket boundary 4"):
    sentence_batching.SentenceBatches([np.arange(9)], batch_size=2, bucket_boundaries=[2, 4])
  with pytest.raises(ValueError, match="increasing positive"):
    sentence_batching.SentenceBatches([np.arange(3)], batch_size=2, bucket_boundaries=[4, 2])
