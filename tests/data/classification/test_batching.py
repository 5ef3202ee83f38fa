"""Classification batches: normalisation, buckets, padding rows, resumable shuffled epochs."""
import numpy as np
import pytest

from rnnlab.data.classification import batching

TEXTS = ["The film was GOOD!", "bad", "It's a long, long story of many words here", "ok"]
LABELS = np.array([1, 0, 1, 0], np.int32)


def test_normalize_and_encode():
  assert batching.normalize("It's GOOD, isn't it?") == "it's good , isn't it ?"
  tok = batching.fit_tokenizer(TEXTS)
  ids = batching.encode_texts(tok, ["the film was unseenword", ""], max_length=3)
  assert [tok.vocabulary.tokens[i] for i in ids[0]] == ["the", "film", "was"]
  assert ids[1].tolist() == [tok.vocabulary.unk_id]
  with pytest.raises(ValueError, match="not a str"):
    batching.fit_tokenizer("some text")


def test_buckets_and_eval_padding():
  assert [batching.bucket_length(n, 64) for n in (1, 8, 9, 33, 64)] == [8, 8, 16, 64, 64]
  assert batching.bucket_length(5, 4) == 5  # never shorter than the text
  tok = batching.fit_tokenizer(TEXTS)
  ids = batching.encode_texts(tok, TEXTS, max_length=64)
  batches = list(batching.eval_batches(ids, LABELS, batch_size=3, max_length=64))
  assert [b["tokens"].shape for b in batches] == [(3, 16), (3, 8)]
  last = batches[1]
  np.testing.assert_array_equal(last["weights"], [1, 0, 0])
  np.testing.assert_array_equal(last["lengths"], [1, 0, 0])
  assert batches[0]["lengths"][2] == ids[2].shape[0] == 10  # it's a long , long story ...
  np.testing.assert_array_equal(batches[0]["tokens"][2, :10], ids[2])
  assert np.all(batches[0]["tokens"][2, 10:] == 0)


def test_train_stream_is_a_function_of_seed_and_position():
  tok = batching.fit_tokenizer(TEXTS)
  ids = batching.encode_texts(tok, TEXTS, max_length=64)
  kwargs = dict(batch_size=2, max_length=64, seed=3)
  first_epoch = [batching.train_batch(ids, LABELS, position=p, **kwargs) for p in (0, 1)]
  again = batching.train_batch(ids, LABELS, position=1, **kwargs)
  np.testing.assert_array_equal(again["tokens"], first_epoch[1]["tokens"])
  labels_seen = np.concatenate([b["labels"] for b in first_epoch])
  assert sorted(labels_seen.tolist()) == sorted(LABELS.tolist())  # an epoch sees each once
  with pytest.raises(ValueError, match="global batch 8 exceeds the 4"):
    batching.train_batch(ids, LABELS, position=0, batch_size=8, max_length=64, seed=0)
