"""Tests of ``audio_files.read_audio``: FLAC/WAV through soundfile, downmix, resampling."""
import numpy as np
import pytest
import soundfile

from rnnlab.data.speech import audio_files


def _tone(rate, seconds=0.5, freq=440.0):
  t = np.arange(int(rate * seconds)) / rate
  return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _peak_hz(x, rate):
  return np.argmax(np.abs(np.fft.rfft(x))) * rate / x.shape[0]


@pytest.mark.parametrize("name,subtype", [("a.flac", "PCM_16"), ("a.flac", "PCM_24"),
                                          ("a.wav", "PCM_16"), ("a.wav", "FLOAT")])
def test_mono_16k_file_reads_back_its_samples(tmp_path, name, subtype):
  path = str(tmp_path / name)
  x = _tone(16000)
  soundfile.write(path, x, 16000, subtype=subtype)
  y = audio_files.read_audio(path, 16000)
  assert y.dtype == np.float32 and y.shape == x.shape
  np.testing.assert_allclose(y, x, atol=1.0 / 32768)  # at most one int16 quantisation step


def test_8k_stereo_wav_is_downmixed_and_resampled(tmp_path):
  path = str(tmp_path / "s.wav")
  left = _tone(8000)
  soundfile.write(path, np.stack([left, np.zeros_like(left)], axis=1), 8000, subtype="PCM_16")
  y = audio_files.read_audio(path, 16000)
  assert y.shape == (8000,)  # 0.5 s at 16 kHz
  assert abs(_peak_hz(y, 16000) - 440.0) <= 2.0  # the tone survives (bin width 2 Hz)
  # Mean of the channels: half the left channel's amplitude (0.5 -> 0.25), away from the
  # edges where the resampling filter's transient lives.
  assert np.max(np.abs(y[1000:-1000])) == pytest.approx(0.25, abs=0.01)


def test_bad_files_name_the_file(tmp_path):
  corrupt = tmp_path / "c.flac"
  corrupt.write_bytes(b"fLaC" + bytes(range(256)))
  with pytest.raises(ValueError, match=r"c\.flac: not a readable audio file"):
    audio_files.read_audio(str(corrupt))
  truncated = str(tmp_path / "t.flac")
  soundfile.write(truncated, _tone(16000, seconds=2.0), 16000)
  with open(truncated, "rb") as f:
    data = f.read()
  with open(truncated, "wb") as f:
    f.write(data[:len(data) // 2])
  with pytest.raises(ValueError, match=r"t\.flac: not a readable audio file"):
    audio_files.read_audio(truncated)
  empty = tmp_path / "e.flac"
  empty.write_bytes(b"")
  with pytest.raises(ValueError, match=r"e\.flac: the file is empty"):
    audio_files.read_audio(str(empty))
  with pytest.raises(ValueError, match=r"missing\.flac: no such file"):
    audio_files.read_audio(str(tmp_path / "missing.flac"))
  nan = str(tmp_path / "nan.wav")
  x = _tone(16000)
  x[7] = np.nan
  soundfile.write(nan, np.stack([x, x], axis=1), 16000, subtype="FLOAT")
  with pytest.raises(ValueError, match=r"nan\.wav: 2 of 16000 samples are NaN or infinite"):
    audio_files.read_audio(nan)
