"""Reading audio files of any common format (FLAC, WAV, OGG, ...) through soundfile.

``read_audio`` returns float32 ``[N]`` samples in [-1, 1] at the rate asked for: several
channels are mixed down to mono (their mean), another sample rate is resampled with
``wav_io.resample`` (polyphase, ``scipy.signal.resample_poly``). soundfile wraps
libsndfile, which its wheels ship (no TensorFlow, no ffmpeg).
"""
import os

import numpy as np
import soundfile

from rnnlab.data.speech import wav_io

AUDIO_EXTENSIONS = (".flac", ".wav")


def read_audio(path: str, sample_rate: int = 16000) -> np.ndarray:
  """Reads ``path`` as mono float32 ``[N]`` at ``sample_rate`` Hz.

  Args:
    path: an audio file libsndfile reads (FLAC, WAV of any PCM width or float, OGG, ...).
    sample_rate: the rate to return (Hz); another file rate is resampled.

  Raises:
    ValueError: naming ``path``: missing, empty, corrupt or unreadable file, no samples,
      NaN or infinite samples (float files).
  """
  if not os.path.isfile(path):
    raise ValueError(f"{path}: no such file.")
  if os.path.getsize(path) == 0:
    raise ValueError(f"{path}: the file is empty (0 bytes); expected an audio file.")
  try:
    data, file_rate = soundfile.read(path, dtype="float32", always_2d=True)
  except (soundfile.SoundFileError, RuntimeError) as e:
    raise ValueError(f"{path}: not a readable audio file ({e}).") from e
  if data.shape[0] == 0:
    raise ValueError(f"{path}: the audio file holds no samples.")
  waveform = wav_io.require_finite(data, path).mean(axis=1, dtype=np.float32)
  return wav_io.resample(waveform, int(file_rate), sample_rate)
