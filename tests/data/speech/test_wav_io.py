"""Tests of WAV reading/writing, validation and resampling."""
import wave

import numpy as np
import pytest
import scipy.io.wavfile

from rnnlab.data.speech import wav_io


def _tone(rate, seconds=0.5, freq=440.0):
  t = np.arange(int(rate * seconds)) / rate
  return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_round_trip_int16(tmp_path):
  path = str(tmp_path / "a.wav")
  x = _tone(16000)
  wav_io.write_wav(path, x, 16000)
  y, rate = wav_io.read_wav(path, sample_rate=16000)
  assert rate == 16000 and y.dtype == np.float32 and y.shape == x.shape
  np.testing.assert_allclose(y, x, atol=1.0 / 32768)  # one int16 quantisation step


def test_other_rate_is_resampled_or_rejected(tmp_path):
  path = str(tmp_path / "a8k.wav")
  wav_io.write_wav(path, _tone(8000), 8000)
  y, rate = wav_io.read_wav(path, sample_rate=16000)
  assert rate == 16000 and y.shape == (8000,)
  # The 440 Hz tone survives resampling: its spectrum peaks at 440 Hz (bin width 2 Hz).
  spectrum = np.abs(np.fft.rfft(y))
  assert abs(np.argmax(spectrum) * 16000 / y.shape[0] - 440.0) <= 2.0
  with pytest.raises(ValueError, match="sample rate is 8000 Hz; expected 16000"):
    wav_io.read_wav(path, sample_rate=16000, resample_to_rate=False)


def test_float_and_24bit_files_read(tmp_path):
  path = str(tmp_path / "f.wav")
  x = _tone(16000)
  scipy.io.wavfile.write(path, 16000, x)
  np.testing.assert_allclose(wav_io.read_wav(path)[0], x)


def test_stereo_empty_corrupt_missing(tmp_path):
  stereo = str(tmp_path / "s.wav")
  scipy.io.wavfile.write(stereo, 16000, np.zeros((100, 2), np.int16))
  with pytest.raises(ValueError, match="2 channels; rnnlab expects mono"):
    wav_io.read_wav(stereo)
  empty = tmp_path / "e.wav"
  empty.write_bytes(b"")
  with pytest.raises(ValueError, match="empty"):
    wav_io.read_wav(str(empty))
  corrupt = tmp_path / "c.wav"
  corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
  with pytest.raises(ValueError, match="not a readable WAV file"):
    wav_io.read_wav(str(corrupt))
  text = tmp_path / "t.wav"
  text.write_text("hello, not audio")
  with pytest.raises(ValueError, match="not a readable WAV file"):
    wav_io.read_wav(str(text))
  with pytest.raises(ValueError, match="no such file"):
    wav_io.read_wav(str(tmp_path / "missing.wav"))


def test_header_only_file_has_no_samples(tmp_path):
  path = str(tmp_path / "h.wav")
  with wave.open(path, "wb") as f:
    f.setnchannels(1)
    f.setsampwidth(2)
    f.setframerate(16000)
  with pytest.raises(ValueError, match="no samples"):
    wav_io.read_wav(path)


def test_write_rejects_multichannel(tmp_path):
  with pytest.raises(ValueError, match=r"mono waveform \[N\]"):
    wav_io.write_wav(str(tmp_path / "x.wav"), np.zeros((10, 2)), 16000)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_float_samples_are_refused_naming_the_file(tmp_path, bad):
  path = str(tmp_path / "nan.wav")
  x = _tone(16000)
  x[100] = bad
  scipy.io.wavfile.write(path, 16000, x)
  with pytest.raises(ValueError, match=r"nan\.wav: 1 of 8000 samples are NaN or infinite"):
    wav_io.read_wav(path, sample_rate=16000)
