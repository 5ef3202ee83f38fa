"""rnnlab.transcribe input checks that need no trained model."""
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
