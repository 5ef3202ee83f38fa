"""Writes a tiny LibriSpeech-layout folder for tests: eSpeak NG speech as FLAC files.

``make(root)`` returns ``root`` holding::

  train-clean-100/19/198/   4 FLAC utterances (16 kHz mono) + 19-198-0004.wav
                            (8 kHz stereo: tests resampling and downmix)
  train-clean-100/26/495/   1 FLAC utterance + 26-495-0001.flac, a corrupt file
  dev-clean/84/121/         2 FLAC utterances
  test-clean/61/70968/      2 FLAC utterances

Transcripts are upper case with punctuation and digits (as raw text might be), so the
loader has characters to normalise and report.
"""
import os

import numpy as np
import soundfile

from rnnlab.data.speech import espeak
from rnnlab.data.speech import wav_io

TEXTS = {
    "train-clean-100": {
        "19-198-0000": "THE CAT SAT ON THE MAT.",
        "19-198-0001": "A DOG RAN HOME, QUICKLY!",
        "19-198-0002": "OPEN THE WINDOW PLEASE",
        "19-198-0003": "WE MET AT 9 O'CLOCK",
        "19-198-0004": "THE RIVER IS COLD TODAY",  # 8 kHz stereo WAV
        "26-495-0000": "BRING ME THE RED BOOK",
        "26-495-0001": "THIS FILE IS CORRUPT",  # not audio
    },
    "dev-clean": {"84-121-0000": "THE SUN IS BRIGHT", "84-121-0001": "CALL ANNA TOMORROW"},
    "test-clean": {"61-70968-0000": "THE GREEN HOUSE", "61-70968-0001": "READ A LETTER"},
}
CORRUPT = "26-495-0001"
STEREO_8K = "19-198-0004"


def _speech(text: str) -> np.ndarray:
  synth = espeak.synthesizer()
  pcm = synth.synthesize(text.lower(), espeak.Voice(name="en-us", rate=170))
  return wav_io.resample(wav_io.int16_to_float(pcm), synth.sample_rate, 16000)


def make(root: str) -> str:
  for split, texts in TEXTS.items():
    by_chapter = {}
    for utterance_id, text in texts.items():
      by_chapter.setdefault(tuple(utterance_id.split("-")[:2]), []).append((utterance_id, text))
    for (speaker, chapter), items in by_chapter.items():
      folder = os.path.join(root, split, speaker, chapter)
      os.makedirs(folder, exist_ok=True)
      with open(os.path.join(folder, f"{speaker}-{chapter}.trans.txt"), "w") as f:
        for utterance_id, text in items:
          f.write(f"{utterance_id} {text}\n")
      for utterance_id, text in items:
        if utterance_id == CORRUPT:
          with open(os.path.join(folder, utterance_id + ".flac"), "wb") as f:
            f.write(b"fLaC" + bytes(range(256)) * 4)
        elif utterance_id == STEREO_8K:
          mono = wav_io.resample(_speech(text), 16000, 8000)
          soundfile.write(os.path.join(folder, utterance_id + ".wav"),
                          np.stack([mono, 0.5 * mono], axis=1), 8000, subtype="PCM_16")
        else:
          soundfile.write(os.path.join(folder, utterance_id + ".flac"), _speech(text), 16000,
                          subtype="PCM_16")
  return root
