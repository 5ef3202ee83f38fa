"""rnnlab.transcribe input checks that need no trained model."""
import ml_collections
import numpy as np
import pytest

from rnnlab import transcribe
from rnnlab.data.speech import wav_io


def test_a_file_over_the_stated_length_is_refused_from_its_header(tmp_path):
  # Issue 18 item 8: a 10-minute WAV passed 10 GB of memory with nothing shown.
  path = str(tmp_path / "long.wav")
  wav_io.write_wav(path, np.zeros(int(16000 * (transcribe.MAX_SECONDS + 1)), np.float32), 16000)
  with pytest.raises(ValueError, match=r"long.wav is 61.0 s long; rnnlab.transcribe takes at "
                                       r"most 60 s per file"):
    transcribe.audio_batch(path, 1600)


def test_a_short_file_is_read_and_padded(tmp_path):
  path = str(tmp_path / "short.wav")
  wav_io.write_wav(path, np.full(2000, 0.1, np.float32), 16000)
  batch = transcribe.audio_batch(path, 1600)
  assert batch["audio"].shape == (1, 3200) and int(batch["num_samples"][0]) == 2000


@pytest.mark.parametrize("name", ["lm_weight", "insertion_bonus", "length_penalty", "ctc_weight"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_decoding_overrides_are_refused_whatever_the_decoder(name, value):
  # Issue 18 item 8: --lm_weight=nan was accepted (used by ctc_beam_lm only, ignored by the
  # others), so the check comes with the override, before any decoding.
  config = ml_collections.ConfigDict({"model": {"decoding": {name: 0.5}}})
  with pytest.raises(ValueError, match=rf"--{name}={value}; allowed: a finite number"):
    transcribe.override_decoding(config, **{name: value})
  assert config.model.decoding[name] == 0.5
  transcribe.override_decoding(config, **{name: 0.25, "beam_size": None})
  assert config.model.decoding[name] == 0.25
