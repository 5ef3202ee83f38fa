"""Tests of the eSpeak NG synthesizer (the espeakng-loader library)."""
import numpy as np
import pytest

from rnnlab.data.speech import espeak


def test_speaks_and_voice_rate_change_the_audio():
  synth = espeak.synthesizer()
  assert synth.sample_rate == 22050
  base = synth.synthesize("hello world", espeak.Voice("en", rate=175))
  assert base.dtype == np.int16 and base.shape[0] > 0.4 * synth.sample_rate
  assert np.abs(base).max() > 1000  # not silence
  slow = synth.synthesize("hello world", espeak.Voice("en", rate=100))
  assert slow.shape[0] > 1.3 * base.shape[0]
  other = synth.synthesize("hello world", espeak.Voice("en-us+f3", rate=175))
  assert other.shape != base.shape or not np.array_equal(other, base)
  # eSpeak NG keeps some state between utterances: the same request after others differs
  # by a few samples (see espeak.py); 1% of the length bounds it.
  again = synth.synthesize("hello world", espeak.Voice("en", rate=175))
  assert abs(again.shape[0] - base.shape[0]) <= 0.01 * base.shape[0]


def test_unknown_voice():
  with pytest.raises(ValueError, match="no voice 'xx-nonexistent'"):
    espeak.synthesizer().synthesize("hi", espeak.Voice("xx-nonexistent"))
