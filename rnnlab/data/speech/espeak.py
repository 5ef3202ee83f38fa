"""Offline speech synthesis with eSpeak NG through its C library (ctypes).

The library and its voice data come from the PyPI package ``espeakng-loader``; nothing
is downloaded. eSpeak NG keeps global state, so one ``Synthesizer`` per process is
shared (``synthesizer()``); it is not thread-safe.

Determinism: ``synthesize`` reseeds the C library's ``rand()`` (which eSpeak NG uses for
its noise sources) before each utterance, but eSpeak NG also keeps internal state between
utterances and processes: the same request can come out a few samples longer or shorter
after other utterances, and voices with breath noise (the ``+f*`` variants) can differ in
low-level noise between runs. Text, voice, rate and pitch fully determine the speech;
bit-exact audio is not guaranteed.
"""
import ctypes
import dataclasses
import functools

import numpy as np

# espeak_AUDIO_OUTPUT and espeak_PARAMETER values from speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_RATE = 1
_ESPEAK_PITCH = 3
_ESPEAK_RANGE = 4
_ESPEAK_CHARS_UTF8 = 1

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@dataclasses.dataclass(frozen=True)
class Voice:
  """An eSpeak NG voice setting.

  Attributes:
    name: voice name as eSpeak NG takes it, language plus optional variant, e.g.
      ``"en-us+f3"``.
    rate: speaking rate in words per minute (eSpeak range 80..450).
    pitch: base pitch, 0..100 (eSpeak default 50).
    pitch_range: pitch variation, 0..100 (0 = monotone; default 50).
  """

  name: str
  rate: int = 175
  pitch: int = 50
  pitch_range: int = 50


class Synthesizer:
  """Text -> int16 waveform at ``sample_rate`` Hz (22050 for eSpeak NG)."""

  def __init__(self):
    try:
      import espeakng_loader  # pylint: disable=g-import-not-at-top
    except ImportError as e:
      raise ImportError(
          "The embedded speech set is synthesised with eSpeak NG: "
          "`pip install espeakng-loader`.") from e
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    lib.espeak_Synth.restype = ctypes.c_int
    rate = lib.espeak_Initialize(
        _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
    if rate <= 0:
      raise RuntimeError(f"eSpeak NG failed to initialise (returned {rate}).")
    self.sample_rate = int(rate)
    self._lib = lib
    self._libc = ctypes.CDLL(None)  # the process's C library, whose rand() eSpeak NG uses
    self._chunks: list[np.ndarray] = []

    def on_audio(wav, num_samples, unused_events):
      if num_samples > 0 and wav:
        self._chunks.append(np.ctypeslib.as_array(wav, shape=(num_samples,)).copy())
      return 0

    self._callback = _SynthCallback(on_audio)  # Kept referenced: C holds the pointer.
    lib.espeak_SetSynthCallback(self._callback)

  def synthesize(self, text: str, voice: Voice) -> np.ndarray:
    """Speaks ``text`` with ``voice``; returns int16 samples ``[N]`` at ``self.sample_rate``."""
    if self._lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
      raise ValueError(f"eSpeak NG has no voice {voice.name!r}.")
    for parameter, value in ((_ESPEAK_RATE, voice.rate), (_ESPEAK_PITCH, voice.pitch),
                             (_ESPEAK_RANGE, voice.pitch_range)):
      if self._lib.espeak_SetParameter(parameter, int(value), 0) != 0:
        raise ValueError(f"eSpeak NG rejected parameter {parameter}={value} for {voice}.")
    self._chunks = []
    self._libc.srand(0)
    data = text.encode("utf-8") + b"\0"
    status = self._lib.espeak_Synth(data, len(data), 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None)
    if status != 0:
      raise RuntimeError(f"eSpeak NG failed on {text!r} (status {status}).")
    self._lib.espeak_Synchronize()
    if not self._chunks:
      return np.zeros((0,), np.int16)
    return np.concatenate(self._chunks).astype(np.int16)


@functools.cache
def synthesizer() -> Synthesizer:
  """The process-wide eSpeak NG synthesizer."""
  return Synthesizer()
