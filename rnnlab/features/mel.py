"""Log-mel filterbank features of waveforms (pure JAX).

Frames of ``frame_length`` samples every ``frame_step`` samples (no centring: frame t
covers samples ``[t * step, t * step + length)``, the last partial frame zero-padded),
Hann window, power spectrum of an ``fft_length``-point real FFT, triangular filters
equally spaced on the HTK mel scale, natural log with a floor.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np


def hz_to_mel(hz):
  """HTK mel scale: ``2595 log10(1 + f / 700)``."""
  return 2595.0 * np.log10(1.0 + np.asarray(hz, np.float64) / 700.0)


def mel_to_hz(mel):
  return 700.0 * (10.0**(np.asarray(mel, np.float64) / 2595.0) - 1.0)


def mel_filterbank(num_mels: int, fft_length: int, sample_rate: int, lower_hz: float = 20.0,
                   upper_hz: float | None = None) -> np.ndarray:
  """Triangular mel filters, float32 ``[fft_length // 2 + 1, num_mels]`` (peak 1 at each centre)."""
  upper_hz = sample_rate / 2.0 if upper_hz is None else upper_hz
  if not 0.0 <= lower_hz < upper_hz <= sample_rate / 2.0:
    raise ValueError(f"Need 0 <= lower_hz < upper_hz <= sample_rate / 2 = {sample_rate / 2}, "
                     f"got lower_hz={lower_hz}, upper_hz={upper_hz}.")
  if num_mels < 1:
    raise ValueError(f"num_mels must be >= 1, got {num_mels}.")
  bin_hz = np.linspace(0.0, sample_rate / 2.0, fft_length // 2 + 1)
  edges_hz = mel_to_hz(np.linspace(hz_to_mel(lower_hz), hz_to_mel(upper_hz), num_mels + 2))
  lower, centre, upper = edges_hz[:-2], edges_hz[1:-1], edges_hz[2:]
  rising = (bin_hz[:, None] - lower[None, :]) / (centre - lower)[None, :]
  falling = (upper[None, :] - bin_hz[:, None]) / (upper - centre)[None, :]
  return np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)


def num_frames(num_samples, frame_length: int, frame_step: int):
  """Frames of a signal of ``num_samples`` (int or int array): ``1 + max(0, n - length) // step``.

  A signal shorter than one frame still gives one (zero-padded) frame; 0 samples give 0.
  """
  xp = jnp if isinstance(num_samples, jax.Array) else np  # NumPy stays static under jit
  n = xp.asarray(num_samples)
  frames = 1 + xp.maximum(0, n - frame_length) // frame_step
  return xp.where(n > 0, frames, 0)


def ms_to_samples(ms: float, sample_rate: int) -> int:
  return int(round(ms * sample_rate / 1000.0))


def log_mel_spectrogram(waveforms, sample_rate: int, num_mels: int = 80,
                        frame_length_ms: float = 25.0, frame_step_ms: float = 10.0,
                        fft_length: int | None = None, lower_hz: float = 20.0,
                        upper_hz: float | None = None, preemphasis: float = 0.97,
                        log_floor: float = 1e-6):
  """Log-mel features of waveforms.

  Args:
    waveforms: float ``[B, N]`` (or ``[N]``) in [-1, 1], right-padded with zeros.
    sample_rate: Hz.
    num_mels: mel bands M.
    frame_length_ms, frame_step_ms: analysis window and hop, milliseconds.
    fft_length: FFT size; default the next power of two >= the frame length.
    lower_hz, upper_hz: filterbank edges (upper default: Nyquist).
    preemphasis: ``x[n] - a x[n-1]`` before framing (0 turns it off).
    log_floor: added before the log, so silence gives ``log(log_floor)``.

  Returns:
    float32 ``[B, T, M]`` (or ``[T, M]``), ``T = num_frames(N, ...)``; frames past an
    utterance's own length (``num_frames(length)``) see padding and should be masked.
  """
  waveforms = jnp.asarray(waveforms, jnp.float32)
  single = waveforms.ndim == 1
  if single:
    waveforms = waveforms[None]
  if waveforms.ndim != 2:
    raise ValueError(f"waveforms must be [B, N] or [N], got shape {waveforms.shape}.")
  length = ms_to_samples(frame_length_ms, sample_rate)
  step = ms_to_samples(frame_step_ms, sample_rate)
  fft_length = fft_length or 2**math.ceil(math.log2(length))
  if fft_length < length:
    raise ValueError(f"fft_length {fft_length} is shorter than the frame ({length} samples).")
  if preemphasis:
    waveforms = jnp.concatenate(
        [waveforms[:, :1], waveforms[:, 1:] - preemphasis * waveforms[:, :-1]], axis=1)
  num_samples = waveforms.shape[1]
  t = int(num_frames(num_samples, length, step))
  padded = jnp.pad(waveforms, ((0, 0), (0, max(0, (t - 1) * step + length - num_samples))))
  index = np.arange(t)[:, None] * step + np.arange(length)[None, :]  # [T, L]
  frames = padded[:, index] * jnp.asarray(np.hanning(length + 2)[1:-1], jnp.float32)[None, None, :]
  power = jnp.abs(jnp.fft.rfft(frames, n=fft_length, axis=-1))**2  # [B, T, F]
  filters = jnp.asarray(mel_filterbank(num_mels, fft_length, sample_rate, lower_hz, upper_hz))
  out = jnp.log(power @ filters + log_floor)
  return out[0] if single else out
