"""Speech datasets as in-memory utterance lists: the embedded set and public TFDS sets.

``load_utterances(name, split)`` returns ``Utterance(audio int16 [N] at 16 kHz,
text)`` records with normalised transcripts, whatever the source:

=================  =========================================  ==================================
name               splits (train / validation / test)          transcript
=================  =========================================  ==================================
rnnlab_speech      train / validation / test (embedded)        the sentence
rnnlab_prose_      train / validation / test / test_flite      the sentence
speech             (embedded; ``prose_speech``)
files              folders under ``path`` (LibriSpeech         ``*.trans.txt``, normalised
                   layout: train-clean-100 / dev-clean / ...)
librispeech        train_clean100 / dev_clean / test_clean     ``text``, lower-cased
speech_commands    train / validation / test                   the keyword (label name)
spoken_digit       train[:80%] / train[80%:90%] / train[90%:]  the digit as a word ("seven")
=================  =========================================  ==================================

``files`` reads a LibriSpeech-layout folder of FLAC/WAV files with soundfile
(``librispeech_files``; no TensorFlow); its split names are the folder names. Transcripts
are normalised to the alphabet (``alphabet.normalize_transcript``); the characters that
normalisation replaced are counted and logged once per split.

The public sets are read with ``tfds.data_source`` from a prepared ``data_dir`` (nothing
is downloaded at run time: an unprepared set fails at once with the command that prepares
it). TFDS's ``Audio`` feature needs TensorFlow (``pip install 'rnnlab[tf]'``); the
embedded set does not.
"""
import collections
import dataclasses

from absl import logging
import num2words
import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import tfds_text
from rnnlab.data.speech import alphabet
from rnnlab.data.speech import embedded
from rnnlab.data.speech import librispeech_files
from rnnlab.data.speech import prose_speech
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
FILES = "files"
DATASETS = (prose_speech.NAME, embedded.NAME, FILES) + tuple(PUBLIC_SETS)


def check_split(name: str, split: str) -> None:
  """Raises ValueError unless ``split`` is a split name of dataset ``name``.

  ``files`` takes any folder name (checked when read); ``rnnlab_prose_speech`` takes
  ``prose_speech.SPLITS``; the others take ``SPLITS``.
  """
  if name not in DATASETS:
    raise ValueError(f"Unknown speech dataset {name!r}; allowed: {DATASETS}.")
  if name == FILES:
    if not split or not isinstance(split, str):
      raise ValueError(f"A {FILES!r} split is a folder name under data.path, got {split!r}.")
    return
  allowed = prose_speech.SPLITS if name == prose_speech.NAME else SPLITS
  if split not in allowed:
    raise ValueError(f"Unknown split {split!r} of {name!r}; allowed: {allowed}.")


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


def _report_outside(name: str, split: str, outside: collections.Counter) -> None:
  if outside:
    shown = ", ".join(f"{c!r} x{n}" for c, n in outside.most_common(20))
    logging.warning("%s/%s: %d transcript characters outside the alphabet were replaced by "
                 "spaces: %s", name, split, sum(outside.values()), shown)


def _load_files(path: str, split: str, skip_unreadable: bool, max_examples: int
                ) -> list[Utterance]:
  loaded = librispeech_files.load_split(path, split, SAMPLE_RATE, skip_unreadable,
                                        max_examples)
  if loaded.skipped:
    logging.warning("%s/%s: skipped %d unreadable audio files (data.skip_unreadable); "
                    "first: %s", path, split, len(loaded.skipped), loaded.skipped[0][1])
  if loaded.unmatched_audio:
    logging.warning("%s/%s: ignored %d audio files that no transcript names", path, split,
                    loaded.unmatched_audio)
  utterances, outside = [], collections.Counter()
  for audio, raw in zip(loaded.audios, loaded.texts):
    outside.update(alphabet.characters_outside(raw))
    text = alphabet.normalize_transcript(raw)
    if text:
      utterances.append(Utterance(audio=wav_io.float_to_int16(audio), text=text))
  _report_outside(FILES, split, outside)
  return utterances


def load_utterances(name: str, split: str, data_dir: str | None = None,
                    config: str = "default", max_examples: int = 0, path: str = "",
                    skip_unreadable: bool = False) -> list[Utterance]:
  """All utterances of ``split`` of dataset ``name``.

  Args:
    name: one of ``DATASETS``.
    split: one of ``SPLITS``; for ``files``, a folder name under ``path``.
    data_dir: TFDS data folder (default TFDS's own).
    config: the embedded sets' builder config (``default`` or ``tiny``).
    max_examples: keep the first N (0 = all).
    path: the root folder of ``files`` (LibriSpeech layout).
    skip_unreadable: ``files`` only: skip (and count) unreadable audio files instead of
      raising.

  Raises:
    ValueError: unknown dataset or split; for ``files``, see
      ``librispeech_files.load_split``.
  """
  check_split(name, split)
  if name == FILES:
    return _load_files(path, split, skip_unreadable, max_examples)
  if name in (embedded.NAME, prose_speech.NAME):
    module = embedded if name == embedded.NAME else prose_speech
    source = module.load(split, config=config, data_dir=data_dir)
    audio_key, rate, spec = "audio", SAMPLE_RATE, None
  else:
    spec = PUBLIC_SETS[name]
    builder = _public_builder(name, data_dir)
    source = builder.as_data_source(split=spec.splits[split])
    audio_key, rate = spec.audio_key, spec.sample_rate
    label_names = (builder.info.features[spec.label_key].names if spec.label_key else None)
  count = len(source) if not max_examples else min(max_examples, len(source))
  utterances, outside = [], collections.Counter()
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
    outside.update(alphabet.characters_outside(text))
    text = alphabet.normalize_transcript(text)
    if not text:
      continue
    utterances.append(Utterance(audio=_to_int16(example[audio_key], rate), text=text))
  _report_outside(name, split, outside)
  return utterances
