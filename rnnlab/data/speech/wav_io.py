"""Reading and writing mono PCM WAV files, with validation and resampling.

Waveforms are float32 in [-1, 1] (``[N]`` samples) in memory; files hold 16-bit PCM
(other PCM widths and float WAVs are read too).
"""
import math
import os
import wave

import numpy as np
import scipy.io.wavfile
import scipy.signal


def resample(waveform: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
  """Resamples a float waveform ``[N]`` with a polyphase filter (scipy.signal.resample_poly)."""
  if from_rate <= 0 or to_rate <= 0:
    raise ValueError(f"Sample rates must be positive, got {from_rate} -> {to_rate}.")
  if from_rate == to_rate:
    return waveform
  g = math.gcd(from_rate, to_rate)
  out = scipy.signal.resample_poly(waveform, to_rate // g, from_rate // g)
  return out.astype(np.float32)


def int16_to_float(pcm: np.ndarray) -> np.ndarray:
  """int16 PCM -> float32 in [-1, 1)."""
  return pcm.astype(np.float32) / 32768.0


def float_to_int16(waveform: np.ndarray) -> np.ndarray:
  """float in [-1, 1] -> int16 PCM (clipped)."""
  return np.clip(np.round(waveform * 32768.0), -32768, 32767).astype(np.int16)


def require_finite(waveform: np.ndarray, path: str) -> np.ndarray:
  """Returns ``waveform`` if every sample is finite; raises ValueError naming ``path``.

  Float audio files can hold NaN or inf samples, which would poison the features (and
  every output) silently; both readers (``read_wav``, ``audio_files.read_audio``) refuse
  them.
  """
  finite = np.isfinite(waveform)
  if not finite.all():
    bad = int(finite.size - np.count_nonzero(finite))
    raise ValueError(f"{path}: {bad} of {finite.size} samples are NaN or infinite; "
                     "audio samples must be finite.")
  return waveform


def _to_float(data: np.ndarray, path: str) -> np.ndarray:
  if data.dtype == np.int16:
    return int16_to_float(data)
  if data.dtype == np.int32:  # 24- and 32-bit PCM, left-justified by scipy.
    return (data.astype(np.float64) / 2.0**31).astype(np.float32)
  if data.dtype == np.uint8:
    return (data.astype(np.float32) - 128.0) / 128.0
  if data.dtype in (np.float32, np.float64):
    return data.astype(np.float32)
  raise ValueError(f"{path}: unsupported WAV sample type {data.dtype}; "
                   "allowed: 8/16/24/32-bit PCM or 32/64-bit float.")


def read_wav(path: str, sample_rate: int | None = None, resample_to_rate: bool = True
             ) -> tuple[np.ndarray, int]:
  """Reads a mono WAV file as float32 ``[N]``; returns ``(waveform, sample_rate)``.

  Args:
    path: the file.
    sample_rate: the rate the caller needs (Hz). ``None`` keeps the file's rate.
    resample_to_rate: when the file has another rate, resample it (True) or raise (False).

  Raises:
    ValueError: missing, empty or corrupt file, more than one channel, no samples, NaN or
      infinite samples, or (with ``resample_to_rate=False``) another sample rate.
  """
  if not os.path.isfile(path):
    raise ValueError(f"{path}: no such file.")
  if os.path.getsize(path) == 0:
    raise ValueError(f"{path}: the file is empty (0 bytes); expected a mono WAV file.")
  try:
    file_rate, data = scipy.io.wavfile.read(path)
  except Exception as e:  # pylint: disable=broad-except
    # scipy raises many types on malformed headers (ValueError, EOFError, struct.error,
    # even UnboundLocalError); all mean "not a readable WAV file".
    raise ValueError(f"{path}: not a readable WAV file ({e}).") from e
  if data.ndim == 2 and data.shape[1] != 1:
    raise ValueError(
        f"{path}: has {data.shape[1]} channels; rnnlab expects mono (1 channel). "
        f"Mix it down first, e.g. `sox {path} -c 1 mono.wav`.")
  data = data.reshape(-1)
  if data.size == 0:
    raise ValueError(f"{path}: the WAV file holds no samples.")
  waveform = require_finite(_to_float(data, path), path)
  if sample_rate is not None and file_rate != sample_rate:
    if not resample_to_rate:
      raise ValueError(f"{path}: sample rate is {file_rate} Hz; expected {sample_rate} Hz.")
    waveform = resample(waveform, file_rate, sample_rate)
    file_rate = sample_rate
  return waveform, int(file_rate)


def write_wav(path: str, waveform: np.ndarray, sample_rate: int) -> None:
  """Writes a mono waveform (float in [-1, 1] or int16, ``[N]``) as 16-bit PCM WAV."""
  waveform = np.asarray(waveform)
  if waveform.ndim != 1:
    raise ValueError(f"write_wav expects a mono waveform [N], got shape {waveform.shape}.")
  pcm = waveform if waveform.dtype == np.int16 else float_to_int16(waveform)
  with wave.open(path, "wb") as f:
    f.setnchannels(1)
    f.setsampwidth(2)
    f.setframerate(int(sample_rate))
    f.writeframes(pcm.tobytes())
