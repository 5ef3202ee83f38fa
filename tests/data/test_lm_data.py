"""rnnlab.data.lm_data: one LM data config loaded, and its eval batches."""
import ml_collections
import numpy as np
import pytest

from rnnlab import data as data_lib


def _data(path, **overrides) -> ml_collections.ConfigDict:
  d = dict(dataset="files", path=str(path), data_dir="", max_documents=0, tokenizer="char",
           max_vocab_size=0, min_count=1, mode="tbptt", seq_len=4, bucket_boundaries=())
  d.update(overrides)
  return ml_collections.ConfigDict(d)


def _write(folder, train="the cat sat\non the mat\n", valid="a cat\nthe hat\n",
           test="the rat\n"):
  folder.mkdir(exist_ok=True)
  for name, text in (("train", train), ("valid", valid), ("test", test)):
    (folder / f"{name}.txt").write_text(text)
  return folder


def test_load_is_cached_and_tokenizes_every_split(tmp_path):
  data = _data(_write(tmp_path / "c"))
  lm = data_lib.load_lm_data(data)
  assert data_lib.load_lm_data(_data(tmp_path / "c")) is lm
  assert set(lm.ids) == {"train", "valid", "test"}
  assert lm.tokenizer.decode(lm.ids["valid"]) == "a cat\nthe hat\n"
  assert lm.vocab_size == lm.tokenizer.vocab_size


@pytest.mark.parametrize("mode", ["tbptt", "sentences"])
def test_split_batches_score_every_prediction_once(tmp_path, mode):
  data = _data(_write(tmp_path / mode), mode=mode)
  lm = data_lib.load_lm_data(data)
  batches = list(data_lib.lm_split_batches(data, "valid", batch_size=2))
  assert sum(float(b["first"].sum()) for b in batches) == 1.0
  assert all(b["chars"] is b["mask"] for b in batches)
  targets = sorted(int(t) for b in batches for t, m in zip(b["targets"].ravel(),
                                                           b["mask"].ravel()) if m)
  if mode == "tbptt":  # the split is one stream: N - 1 predictions
    assert all(b["reset"].tolist() == [i == 0] * 2 for i, b in enumerate(batches))
    assert targets == sorted(lm.ids["valid"][1:].tolist())
  else:  # each line [newline, chars, newline]: every char and the closing newline
    newline = lm.tokenizer.vocabulary.token_to_id["\n"]
    lines = [lm.tokenizer.encode(l) for l in ("a cat", "the hat")]
    assert targets == sorted(np.concatenate([np.append(l, newline) for l in lines]).tolist())
