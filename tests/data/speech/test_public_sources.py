"""Public TFDS speech sets (librispeech, speech_commands, spoken_digit).

TFDS's ``Audio`` feature needs TensorFlow (the optional ``tf`` extra): with it, the
sources are read under ``tfds.testing.mock_data``; without it, loading one fails at
once with the install hint. Either way nothing is downloaded.
"""
import importlib.util
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds

from rnnlab.data.speech import sources

HAS_TF = importlib.util.find_spec("tensorflow") is not None
PUBLIC = ["librispeech", "speech_commands", "spoken_digit"]


@pytest.fixture
def no_download(monkeypatch):
  def fail(*args, **kwargs):
    raise AssertionError("rnnlab must not start a download")

  monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", fail)


@pytest.mark.skipif(HAS_TF, reason="checks the message shown when TensorFlow is missing")
@pytest.mark.parametrize("name", PUBLIC)
def test_without_tensorflow_fails_with_install_hint(tmp_path, name):
  with pytest.raises(ImportError, match=r"needs TensorFlow: `pip install 'rnnlab\[tf\]'`"):
    sources.load_utterances(name, "train", data_dir=str(tmp_path))


@pytest.mark.skipif(not HAS_TF, reason="TFDS's Audio feature needs TensorFlow (the tf extra)")
@pytest.mark.parametrize("name", PUBLIC)
def test_unprepared_public_set_fails_fast(tmp_path, no_download, name):
  start = time.monotonic()
  with pytest.raises(ValueError, match=f"not prepared .*tfds build {name}"):
    sources.load_utterances(name, "train", data_dir=str(tmp_path))
  assert time.monotonic() - start < 5.0  # a download attempt here takes ~200 s to fail


@pytest.mark.skipif(not HAS_TF, reason="TFDS's Audio feature needs TensorFlow (the tf extra)")
@pytest.mark.parametrize("name", PUBLIC)
def test_mocked_public_sets_give_int16_audio_and_normalised_text(name):
  with tfds.testing.mock_data(num_examples=6):
    for split in sources.SPLITS:
      utterances = sources.load_utterances(name, split, max_examples=6)
      for u in utterances:
        assert u.audio.dtype == np.int16 and u.audio.ndim == 1
        assert u.text and u.text == u.text.lower().strip()
      if name != "speech_commands":  # its random mock labels may all be _silence_/_unknown_
        assert utterances
