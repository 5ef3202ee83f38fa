"""Tests of the log-mel front end."""
import numpy as np
import pytest

from rnnlab.features import mel

FLOAT32_TOL = dict(rtol=1e-5, atol=1e-5)


def test_filterbank_shape_peaks_and_edges():
  filters = mel.mel_filterbank(40, 512, 16000, lower_hz=0.0)
  assert filters.shape == (257, 40)
  assert filters.max() <= 1.0 + 1e-6
  # Each filter's peak bin increases with the band index (mel bands are ordered).
  peaks = np.argmax(filters, axis=0)
  assert np.all(np.diff(peaks) >= 0)
  # Centres are equally spaced on the mel scale.
  centres = mel.mel_to_hz(np.linspace(0.0, mel.hz_to_mel(8000.0), 42)[1:-1])
  bin_hz = np.linspace(0, 8000, 257)
  np.testing.assert_allclose(bin_hz[peaks], centres, atol=8000 / 256)


def test_hz_mel_round_trip():
  hz = np.array([0.0, 440.0, 1000.0, 7999.0])
  np.testing.assert_allclose(mel.mel_to_hz(mel.hz_to_mel(hz)), hz, rtol=1e-9, atol=1e-9)
  np.testing.assert_allclose(mel.hz_to_mel(1000.0), 999.985, atol=1e-2)  # HTK scale


def test_bad_filterbank_edges():
  with pytest.raises(ValueError, match="upper_hz"):
    mel.mel_filterbank(40, 512, 16000, upper_hz=9000.0)


def test_num_frames():
  assert int(mel.num_frames(400, 400, 160)) == 1
  assert int(mel.num_frames(100, 400, 160)) == 1
  assert int(mel.num_frames(0, 400, 160)) == 0
  assert int(mel.num_frames(16000, 400, 160)) == 98
  np.testing.assert_array_equal(mel.num_frames(np.array([559, 560]), 400, 160), [1, 2])


def test_sine_peaks_in_its_mel_band():
  rate, freq = 16000, 1500.0
  t = np.arange(rate // 2) / rate
  features = np.asarray(mel.log_mel_spectrogram(0.5 * np.sin(2 * np.pi * freq * t), rate,
                                                num_mels=40, preemphasis=0.0))
  assert features.shape == (int(mel.num_frames(rate // 2, 400, 160)), 40)
  filters = mel.mel_filterbank(40, 512, rate)
  expected_band = int(np.argmax(filters[int(round(freq / (rate / 2) * 256))]))
  assert np.all(np.argmax(features, axis=-1) == expected_band)


def test_batch_with_padding_matches_single():
  rng = np.random.default_rng(0)
  a, b = rng.uniform(-0.5, 0.5, 3000), rng.uniform(-0.5, 0.5, 2000)
  batch = np.zeros((2, 3000), np.float32)
  batch[0], batch[1, :2000] = a, b
  out = np.asarray(mel.log_mel_spectrogram(batch, 16000))
  np.testing.assert_allclose(out[0], np.asarray(mel.log_mel_spectrogram(a, 16000)), **FLOAT32_TOL)
  t_b = int(mel.num_frames(2000, 400, 160))
  # Frames fully inside the shorter signal agree with it alone (float32 FFT: 1e-4).
  np.testing.assert_allclose(out[1, :t_b], np.asarray(mel.log_mel_spectrogram(b, 16000)),
                             rtol=1e-4, atol=1e-4)
