"""Public TFDS sources: mock-tested (no machine here can download them)."""
import time

import pytest
import tensorflow_datasets as tfds

from rnnlab.data.translation import sources


@pytest.mark.parametrize("dataset, src, tgt", [
    ("ted_hrlr_translate/pt_to_en", "pt", "en"), ("wmt14_translate/de-en", "de", "en")])
def test_public_dataset_under_mock_data(dataset, src, tgt, monkeypatch, tmp_path):
  with tfds.testing.mock_data(num_examples=6):
    # mock_data fakes the records, not the prepared state; is_prepared is what rnnlab checks.
    monkeypatch.setattr(tfds.core.DatasetBuilder, "is_prepared", lambda self: True)
    split = sources.load_split(dataset, "train", data_dir=str(tmp_path))
    assert (split.source_lang, split.target_lang) == (src, tgt)
    assert len(split) == 6
    pairs = split.pairs()
    assert all(isinstance(s, str) and isinstance(t, str) for s, t in pairs)
    reverse = sources.load_split(dataset, "train", data_dir=str(tmp_path),
                                 source_lang=tgt, target_lang=src)
    assert reverse[0] == pairs[0][::-1]
    with pytest.raises(ValueError, match="language 'xx'"):
      sources.load_split(dataset, "train", data_dir=str(tmp_path), source_lang="xx")


def test_unprepared_public_dataset_fails_at_once(tmp_path):
  start = time.perf_counter()
  with pytest.raises(ValueError, match="(?s)not prepared.*tfds build ted_hrlr_translate/pt_to_en"):
    sources.load_split("ted_hrlr_translate/pt_to_en", "train", data_dir=str(tmp_path))
  assert time.perf_counter() - start < 10.0  # no download attempt


def test_bad_names():
  with pytest.raises(ValueError, match="unknown translation dataset 'europarl'"):
    sources.load_split("europarl", "train")
  with pytest.raises(ValueError, match="needs a config"):
    sources.load_split("wmt14_translate", "train")
  with pytest.raises(ValueError, match="unknown split 'dev'"):
    sources.load_split("rnnlab_en_fr_numbers/tiny", "dev")
