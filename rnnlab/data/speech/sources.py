"""Speech datasets as in-memory utterance lists: the embedded set and public TFDS sets.

``load_utterances(name, split)`` returns ``Utterance(audio int16 [N] at 16 kHz,
text)`` records with normalised transcripts, whatever the source:

=================  =========================================  ==================================
name               splits (train / validation / test)          transcript
=================  =========================================  ==================================
rnnlab_speech      train / validation / test (embedded)        the sentence
librispeech        train_clean100 / dev_clean / test_clean     ``text``, lower-cased
speech_commands    train / validation / test                   the keyword (label name)
spoken_digit       train[:80%] / train[80%:90%] / train[90%:]  the digit as a word ("seven")
=================  =========================================  ==================================

The public sets are read with ``tfds.data_source`` from a prepared ``data_dir`` (nothing
is downloaded at run time: an unprepared set fails at once with the command that prepares
it). TFDS's ``Audio`` feature needs TensorFlow (``pip install 'rnnlab[tf]'``); the
embedded set does not.
"""
import dataclasses

import num2words
import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import tfds_text
from rnnlab.data.speech import alphabet
from rnnlab.data.speech import embedded
from rnnlab.data.speech import wav_io

SAMPLE_RATE = embedded.SAMPLE_RATE
SPLITS = ("train", "validation", "test")


@dataclasses.dataclass(frozen=True)
class PublicSpeechSet:
  """How to read a public TFDS speech set."""

  splits: dict[str, str]
  audio_key: str
  sample_rate: int
  text_key: str | None = None  # a transcript feature ...
  label_key: str | None = None  # ... or a ClassLabel turned into text by ``label_text``
  skip_labels: tuple[str, ...] = ()


PUBLIC_SETS = {
    "librispeech": PublicSpeechSet(
        splits={"train": "train_clean100", "validation": "dev_clean", "test": "test_clean"},
        audio_key="speech", sample_rate=16000, text_key="text"),
    "speech_commands": PublicSpeechSet(
        splits={"train": "train", "validation": "validation", "test": "test"},
        audio_key="audio", sample_rate=16000, label_key="label",
        skip_labels=("_silence_", "_unknown_")),
    "spoken_digit": PublicSpeechSet(
        splits={"train": "train[:80%]", "validation": "train[80%:90%]", "test": "train[90%:]"},
        audio_key="audio", sample_rate=8000, label_key="label"),
}
DATASETS = (embedded.NAME,) + tuple(PUBLIC_SETS)


@dataclasses.dataclass(frozen=True)
class Utterance:
  audio: np.ndarray  # int16 [N] at SAMPLE_RATE
  text: str  # normalised transcript


def _label_text(name: str, label_name: str) -> str:
  if name == "spoken_digit":
    return num2words.num2words(int(label_name))
  return label_name


def _public_builder(name: str, data_dir: str | None):
  try:
    builder = tfds.builder(name, data_dir=data_dir)
  except ModuleNotFoundError as e:
    raise ImportError(
        f"TFDS's {name!r} builder (its Audio feature) needs TensorFlow: "
        "`pip install 'rnnlab[tf]'` (tensorflow-cpu). The embedded set "
        f"{embedded.NAME!r} needs no TensorFlow.") from e
  if not tfds_text._is_mocked():  # pylint: disable=protected-access
    tfds_text.check_prepared(builder)
  return builder


def _to_int16(audio: np.ndarray, rate: int) -> np.ndarray:
  audio = np.asarray(audio).reshape(-1)
  if rate == SAMPLE_RATE and audio.dtype == np.int16:
    return audio
  if np.issubdtype(audio.dtype, np.integer):
    waveform = wav_io.int16_to_float(audio.astype(np.int16))
  else:
    waveform = audio.astype(np.float32)
  return wav_io.float_to_int16(wav_io.resample(waveform, rate, SAMPLE_RATE))


def load_utterances(name: str, split: str, data_dir: str | None = None,
                    config: str = "default", max_examples: int = 0) -> list[Utterance]:
  """All utterances of ``split`` (``train``/``validation``/``test``) of dataset ``name``.

  Args:
    name: one of ``DATASETS``.
    split: one of ``SPLITS``.
    data_dir: TFDS data folder (default TFDS's own).
    config: the embedded set's builder config (``default`` or ``tiny``).
    max_examples: keep the first N (0 = all).
  """
  if name not in DATASETS:
    raise ValueError(f"Unknown speech dataset {name!r}; allowed: {DATASETS}.")
  if split not in SPLITS:
    raise ValueError(f"Unknown split {split!r}; allowed: {SPLITS}.")
  if name == embedded.NAME:
    source = embedded.load(split, config=config, data_dir=data_dir)
    audio_key, rate, spec = "audio", SAMPLE_RATE, None
  else:
    spec = PUBLIC_SETS[name]
    builder = _public_builder(name, data_dir)
    source = builder.as_data_source(split=spec.splits[split])
    audio_key, rate = spec.audio_key, spec.sample_rate
    label_names = (builder.info.features[spec.label_key].names if spec.label_key else None)
  count = len(source) if not max_examples else min(max_examples, len(source))
  utterances = []
  for i in range(count):
    example = source[i]
    if spec is None or spec.text_key:
      raw = example["text" if spec is None else spec.text_key]
      text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    else:
      label_name = label_names[int(example[spec.label_key])]
      if label_name in spec.skip_labels:
        continue
      text = _label_text(name, label_name)
    text = alphabet.normalize_transcript(text)
    if not text:
      continue
    utterances.append(Utterance(audio=_to_int16(example[audio_key], rate), text=text))
  return utterances
