"""``rnnlab_speech``: rnnlab's embedded speech set, synthesised offline with eSpeak NG.

A TFDS builder (``array_record`` files, read with ``tfds.data_source``, no TensorFlow)
that generates real speech on the machine with no download: varied sentences
(``sentences.py``) spoken by several eSpeak NG voices, rates and pitches, resampled to
16 kHz, with random gain, leading/trailing silence and white noise at a random SNR.

Splits (sentences never shared between splits):

* ``train``: training voices and rates.
* ``validation``: unseen sentences, training voices and rates.
* ``test``: unseen sentences, spoken by voices (eSpeak variants) and at a rate that
  ``train`` never uses.

Features: ``audio`` int16 ``[N]`` at ``sample_rate`` Hz, ``text`` (normalised
transcript), ``voice`` (eSpeak voice name), ``rate`` (words per minute).
Generation time on 2 CPU cores: under a minute for the ``default`` config (~280 MB).
Texts, voices, rates, pitches, gains, silences and noise levels are a pure function of the
config's seed; the audio is not bit-exact across runs, because eSpeak NG keeps some
internal state (see ``espeak.py``).
"""
import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data.speech import espeak
from rnnlab.data.speech import sentences
from rnnlab.data.speech import wav_io

NAME = "rnnlab_speech"
SAMPLE_RATE = 16000
TRAIN_LANGUAGES = ("en", "en-us", "en-gb-x-rp", "en-029")
TRAIN_VARIANTS = ("", "+m1", "+m2", "+m3", "+m6", "+f1", "+f2", "+f3", "+f5")
TRAIN_RATES = (130, 150, 180, 200)
# Held out of train and validation: unseen eSpeak variants at an unseen rate.
TEST_VOICES = ("en-us+f4", "en+m4")
TEST_RATE = 165


@dataclasses.dataclass
class SpeechConfig(tfds.core.BuilderConfig):
  """How many utterances each split has, and the generation seed."""

  num_train: int = 3000
  num_validation: int = 200
  num_test: int = 200
  seed: int = 0


class RnnlabSpeech(offline_build.EmbeddedBuilder):
  """Synthetic (eSpeak NG) English speech with character transcripts."""

  BUILDER_CONFIGS = [
      SpeechConfig(name="default", description="3000/200/200 utterances."),
      SpeechConfig(name="tiny", description="For tests: 12/4/4 utterances.",
                   num_train=12, num_validation=4, num_test=4),
  ]

  def _info(self) -> tfds.core.DatasetInfo:
    return self._dataset_info({
        "audio": tfds.features.Tensor(shape=(None,), dtype=np.int16),
        "text": tfds.features.Text(),
        "voice": tfds.features.Text(),
        "rate": tfds.features.Scalar(dtype=np.int32),
    }, metadata=tfds.core.MetadataDict(sample_rate=SAMPLE_RATE))

  def _split_generators(self, dl_manager):
    del dl_manager  # Nothing is downloaded.
    c = self.builder_config
    test = sentences.generate_sentences(c.num_test, seed=c.seed * 3 + 1)
    validation = sentences.generate_sentences(
        c.num_validation, seed=c.seed * 3 + 2, exclude=frozenset(test))
    train = sentences.generate_sentences(
        c.num_train, seed=c.seed * 3 + 3, exclude=frozenset(test + validation))
    return {
        "train": self._generate_examples(train, split_index=0),
        "validation": self._generate_examples(validation, split_index=1),
        "test": self._generate_examples(test, split_index=2),
    }

  def _generate_examples(self, texts, split_index):
    synth = espeak.synthesizer()
    for i, text in enumerate(texts):
      rng = np.random.default_rng([self.builder_config.seed, split_index, i])
      voice = draw_voice(rng, test=split_index == 2)
      audio = render(rng, synth.synthesize(text, voice), synth.sample_rate,
                      test=split_index == 2)
      yield i, {"audio": audio, "text": text, "voice": voice.name, "rate": voice.rate}


def draw_voice(rng: np.random.Generator, test: bool) -> espeak.Voice:
  if test:
    name = TEST_VOICES[int(rng.integers(len(TEST_VOICES)))]
    rate = TEST_RATE
  else:
    name = (TRAIN_LANGUAGES[int(rng.integers(len(TRAIN_LANGUAGES)))]
            + TRAIN_VARIANTS[int(rng.integers(len(TRAIN_VARIANTS)))])
    rate = TRAIN_RATES[int(rng.integers(len(TRAIN_RATES)))]
  return espeak.Voice(name=name, rate=rate, pitch=int(rng.integers(30, 71)),
                      pitch_range=int(rng.integers(30, 81)))


def render(rng: np.random.Generator, pcm: np.ndarray, rate: int, test: bool) -> np.ndarray:
  """Resamples to 16 kHz, adds silence, gain and white noise; returns int16 ``[N]``."""
  if pcm.size == 0:
    raise ValueError("eSpeak NG produced no audio.")
  x = wav_io.resample(wav_io.int16_to_float(pcm), rate, SAMPLE_RATE)
  lead, trail = (int(rng.integers(0, SAMPLE_RATE // 4)) for _ in range(2))
  x = np.concatenate([np.zeros(lead, np.float32), x, np.zeros(trail, np.float32)])
  x *= rng.uniform(0.4, 1.0) / max(float(np.max(np.abs(x))), 1e-6)
  snr_db = rng.uniform(15.0, 25.0) if test else rng.uniform(10.0, 30.0)
  signal_power = float(np.mean(x**2))
  noise = rng.standard_normal(x.shape).astype(np.float32)
  x += noise * np.float32(np.sqrt(signal_power / 10.0**(snr_db / 10.0)))
  return wav_io.float_to_int16(x)


def prepare(data_dir: str | None = None, config: str = "default") -> tfds.core.DatasetBuilder:
  """Generates ``rnnlab_speech/<config>`` in ``data_dir`` unless it is there; returns the builder.

  ``data_dir`` defaults to TFDS's own (``~/tensorflow_datasets`` or ``$TFDS_DATA_DIR``).
  """
  return offline_build.prepare_config(RnnlabSpeech, config, data_dir)


def load(split: str, config: str = "default", data_dir: str | None = None):
  """Returns the ``tfds.data_source`` of one split, generating the set first if needed."""
  return prepare(data_dir, config).as_data_source(split=split)
