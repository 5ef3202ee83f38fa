"""Offline speech synthesis with CMU Flite, a second engine beside eSpeak NG.

Flite's voices are diphone (``kal16``) and statistical parametric (``awb``, ``rms``,
``slt``: CMU ARCTIC clustergen) synthesis, unlike eSpeak NG's formant synthesis, so a
model trained on eSpeak NG voices meets a different voice family. The ``flite`` program
comes from Debian's ``flite`` package (``apt-get install flite``); no PyPI package ships
it, so it is optional: ``available()`` says whether it is installed. Its voices are
compiled in: nothing is downloaded.
"""
import dataclasses
import os
import shutil
import subprocess
import tempfile

import numpy as np
import soundfile

PROGRAM = "flite"
VOICES = ("kal16", "awb", "rms", "slt")


@dataclasses.dataclass(frozen=True)
class Voice:
  """A Flite voice and its speaking-rate factor (``duration_stretch``: > 1 is slower)."""

  name: str
  duration_stretch: float = 1.0


def available() -> bool:
  """Whether the ``flite`` program is on ``PATH``."""
  return shutil.which(PROGRAM) is not None


def synthesize(text: str, voice: Voice) -> tuple[np.ndarray, int]:
  """Speaks ``text``; returns ``(int16 samples [N], sample rate in Hz)``.

  Raises:
    ImportError: ``flite`` is not installed (with the install command).
    ValueError: an unknown voice, or Flite failed on the text.
  """
  if not available():
    raise ImportError(f"The {PROGRAM!r} program is not installed; on Debian/Ubuntu: "
                      "`apt-get install flite`.")
  if voice.name not in VOICES:
    raise ValueError(f"Unknown Flite voice {voice.name!r}; allowed: {VOICES}.")
  with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "out.wav")
    result = subprocess.run(
        [PROGRAM, "-voice", voice.name, "--setf", f"duration_stretch={voice.duration_stretch}",
         "-t", text, "-o", path], capture_output=True, text=True, check=False)
    if result.returncode != 0 or not os.path.isfile(path):
      raise ValueError(f"Flite failed on {text!r} with {voice}: {result.stderr.strip()}")
    pcm, rate = soundfile.read(path, dtype="int16")
  return np.asarray(pcm, np.int16).reshape(-1), int(rate)
