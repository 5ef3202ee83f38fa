"""Public TFDS text sets through tfds.data_source under mock_data; unprepared sets fail fast."""
import sys
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds

from rnnlab.data import sentence_batching
from rnnlab.data import tbptt
from rnnlab.data import tfds_text
from rnnlab.data import tokenizers


@pytest.mark.parametrize("name", ["tiny_shakespeare", "lm1b"])
def test_mocked_public_sets_feed_tokenizers_and_batches(name):
  with tfds.testing.mock_data(num_examples=6):
    corpus = tfds_text.load_tfds_corpus(name)
    assert corpus.name == name
    for split in ("train", "valid", "test"):
      docs = corpus.documents(split)
      assert len(docs) == 6 and all(isinstance(d, str) and d for d in docs)
    train_text = corpus.text("train")
    tok = tokenizers.build_tokenizer("char", train_text)
    ids = tok.encode(train_text)
    batches = tbptt.TBPTTBatches(ids, batch_size=2, seq_len=4)
    first = batches.batch(0)
    assert first["inputs"].shape == (2, 4)
    valid_ids = tok.encode(corpus.text("valid"), on_unseen="unk")
    assert tbptt.TBPTTBatches(valid_ids, 2, 4, drop_remainder=False).num_predictions == (
        len(valid_ids) - 1)
    word_tok = tokenizers.build_tokenizer("word", train_text)
    sents = sentence_batching.lm_sentences(corpus.lines("train"), word_tok, word_tok.eos_id)
    batch = sentence_batching.SentenceBatches(sents, batch_size=3).batch(0)
    assert batch["mask"].sum() == batch["lengths"].sum()
  assert "tensorflow" not in sys.modules


def test_max_documents_limits_each_split():
  with tfds.testing.mock_data(num_examples=6):
    corpus = tfds_text.load_tfds_corpus("lm1b", max_documents=2)
  assert [len(corpus.documents(s)) for s in ("train", "valid", "test")] == [2, 2, 2]


@pytest.mark.parametrize("name", ["tiny_shakespeare", "lm1b"])
def test_unprepared_public_set_fails_fast_without_download(tmp_path, monkeypatch, name):
  def no_download(*args, **kwargs):
    raise AssertionError("rnnlab must not start a download")

  monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
  start = time.monotonic()
  with pytest.raises(ValueError, match=f"not prepared in '{tmp_path}.*tfds build {name} "
                     "--file_format=array_record --data_dir=DIR"):
    tfds_text.load_tfds_corpus(name, data_dir=str(tmp_path))
  assert time.monotonic() - start < 5.0  # a download attempt here takes ~200 s to fail


def test_bad_arguments_raise():
  with pytest.raises(ValueError, match="Unknown TFDS text dataset 'imdb'"):
    tfds_text.load_tfds_corpus("imdb")
  with pytest.raises(ValueError, match="max_documents must be >= 1"):
    tfds_text.load_tfds_corpus("lm1b", max_documents=0)


def test_split_maps_cover_rnnlab_splits():
  for name, split_map in tfds_text.TFDS_TEXT_DATASETS.items():
    assert sorted(split_map) == ["test", "train", "valid"], name
  assert np.all([tfds_text.prepare_command("lm1b", None) == "tfds build lm1b "
                 "--file_format=array_record"])
