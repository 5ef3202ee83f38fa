"""Classification sources: public TFDS sets under mock_data, unprepared ones fail fast, files."""
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds

from rnnlab.data.classification import batching
from rnnlab.data.classification import sources


@pytest.mark.parametrize("name, num_classes", [("imdb_reviews", 2), ("glue/sst2", 2),
                                               ("ag_news_subset", 4)])
def test_mocked_public_sets_give_texts_labels_and_batches(name, num_classes):
  with tfds.testing.mock_data(num_examples=20):
    splits = {s: sources.load_split(name, s) for s in sources.SPLITS}
  for split, data in splits.items():
    assert len(data) > 0, split
    assert len(data.class_names) == num_classes
    assert all(isinstance(t, str) and t for t in data.texts)
    assert data.labels.dtype == np.int32 and 0 <= data.labels.min()
    assert data.labels.max() < num_classes
  tokenizer = batching.fit_tokenizer(splits["train"].texts)
  ids = batching.encode_texts(tokenizer, splits["test"].texts, max_length=32)
  batch = next(batching.eval_batches(ids, splits["test"].labels, batch_size=4, max_length=32))
  assert batch["tokens"].shape[0] == 4 and batch["tokens"].shape[1] in (8, 16, 32)


def test_max_examples_limits_a_split():
  with tfds.testing.mock_data(num_examples=20):
    assert len(sources.load_split("ag_news_subset", "train", max_examples=3)) == 3


@pytest.mark.parametrize("name", ["imdb_reviews", "glue/sst2", "ag_news_subset"])
def test_unprepared_public_set_fails_fast_without_download(tmp_path, monkeypatch, name):
  def no_download(*args, **kwargs):
    raise AssertionError("rnnlab must not start a download")

  monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
  start = time.monotonic()
  with pytest.raises(ValueError, match=f"not prepared in .*tfds build {name} "
                     "--file_format=array_record"):
    sources.load_split(name, "train", data_dir=str(tmp_path))
  assert time.monotonic() - start < 30


def test_files_dataset(tmp_path):
  for split in ("train", "validation", "test"):
    (tmp_path / f"{split}.tsv").write_text("b\tone two\na\tthree\n", encoding="utf-8")
  data = sources.load_split("files", "validation", path=str(tmp_path))
  assert data.texts == ["one two", "three"] and data.class_names == ("a", "b")
  np.testing.assert_array_equal(data.labels, [1, 0])
  with pytest.raises(ValueError, match="needs data.path"):
    sources.load_split("files", "train")


def test_unknown_dataset_and_split():
  with pytest.raises(ValueError, match="unknown classification dataset 'sst'; allowed"):
    sources.load_split("sst", "train")
  with pytest.raises(ValueError, match="unknown split 'valid'; allowed"):
    sources.load_split("files", "valid", path="x")
