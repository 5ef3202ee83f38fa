"""Tests of the embedded rnnlab_speech TFDS builder (tiny config) and the sources."""
import numpy as np
import pytest

from rnnlab.data.speech import embedded
from rnnlab.data.speech import sources


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  path = str(tmp_path_factory.mktemp("tfds"))
  embedded.prepare(path, config="tiny")
  return path


def test_splits_sizes_features_and_disjoint_sentences(data_dir):
  texts = {}
  for split, size in (("train", 12), ("validation", 4), ("test", 4)):
    source = embedded.load(split, config="tiny", data_dir=data_dir)
    assert len(source) == size
    examples = [source[i] for i in range(size)]
    for ex in examples:
      assert ex["audio"].dtype == np.int16 and ex["audio"].shape[0] > 16000 // 2
      assert np.abs(ex["audio"]).max() > 1000
    texts[split] = {ex["text"].decode() for ex in examples}
    voices = {ex["voice"].decode() for ex in examples}
    rates = {int(ex["rate"]) for ex in examples}
    if split == "test":
      assert voices <= set(embedded.TEST_VOICES) and rates == {embedded.TEST_RATE}
    else:
      assert not voices & set(embedded.TEST_VOICES)
      assert rates <= set(embedded.TRAIN_RATES)
  assert not texts["train"] & texts["test"]
  assert not texts["train"] & texts["validation"]
  assert not texts["validation"] & texts["test"]


def test_generation_is_deterministic_up_to_espeak_state(data_dir, tmp_path):
  embedded.prepare(str(tmp_path), config="tiny")
  a = embedded.load("test", config="tiny", data_dir=data_dir)
  b = embedded.load("test", config="tiny", data_dir=str(tmp_path))
  for i in range(len(a)):
    for key in ("text", "voice", "rate"):
      assert a[i][key] == b[i][key]
    # eSpeak NG's carried-over state shifts timing by a few samples (espeak.py): 1%.
    assert abs(a[i]["audio"].shape[0] - b[i]["audio"].shape[0]) <= 0.01 * a[i]["audio"].shape[0]


def test_sources_reads_embedded_set(data_dir):
  utterances = sources.load_utterances("rnnlab_speech", "validation", data_dir=data_dir,
                                       config="tiny", max_examples=3)
  assert len(utterances) == 3
  assert all(u.audio.dtype == np.int16 and u.text for u in utterances)


def test_bad_names(data_dir):
  with pytest.raises(ValueError, match="Unknown speech dataset 'timit'"):
    sources.load_utterances("timit", "train")
  with pytest.raises(ValueError, match="Unknown split 'dev'"):
    sources.load_utterances("rnnlab_speech", "dev", data_dir=data_dir)
  with pytest.raises(ValueError, match="Unknown rnnlab_speech config 'huge'"):
    embedded.prepare(data_dir, config="huge")
