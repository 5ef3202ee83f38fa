"""``rnnlab_prose_speech``: open-vocabulary read speech, synthesised offline.

The harder embedded speech set: real sentences from the LM corpus ``rnnlab_pydoc_prose``
(``prose_sentences``: numbers and dates read out as words), spoken by the eSpeak NG
voices, rates, pitches, gains, silences and noise of ``rnnlab_speech`` (``embedded.py``).
Its vocabulary is open (thousands of distinct words, most seen a few times), so a
character model cannot lean on a template grammar.

Splits (the corpus's documents are split first, so no sentence is shared):

* ``train``: sentences of the corpus's train documents, training voices and rates.
* ``validation``: sentences of its valid documents, training voices and rates.
* ``test``: sentences of its test documents, unseen eSpeak NG variants at an unseen rate.
* ``test_flite``: the same test sentences read by another engine, CMU Flite (diphone and
  clustergen voices ``flite.VOICES``), generated on first use by the companion builder
  ``rnnlab_prose_speech_flite``; it needs the ``flite`` program (``apt-get install
  flite``; no PyPI package ships it), the other splits do not.

Features as ``rnnlab_speech``: ``audio`` int16 ``[N]`` at 16 kHz, ``text``, ``voice``,
``rate`` (eSpeak words per minute; 0 for Flite, whose ``voice`` is
``flite:<name>@<duration stretch>``). The corpus is prepared first if needed (a few
seconds). Generation time on 2 busy CPU cores: see the README (``default``: 4000 / 200 /
200 utterances). Texts and voice draws are a pure function of the seed and the Python
version (whose docs the corpus is); audio is not bit-exact (see ``espeak.py``).
"""
import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data import pydoc_prose
from rnnlab.data.speech import embedded
from rnnlab.data.speech import espeak
from rnnlab.data.speech import flite
from rnnlab.data.speech import prose_sentences

NAME = "rnnlab_prose_speech"
FLITE_NAME = "rnnlab_prose_speech_flite"
SPLITS = ("train", "validation", "test", "test_flite")
_CORPUS_SPLITS = {"train": "train", "validation": "valid", "test": "test"}


@dataclasses.dataclass
class ProseSpeechConfig(tfds.core.BuilderConfig):
  """How many utterances each split has, and the seed of the sentence and voice draws."""

  num_train: int = 4000
  num_validation: int = 200
  num_test: int = 200
  seed: int = 0


_CONFIGS = [
    ProseSpeechConfig(name="default", description="4000/200/200 utterances."),
    ProseSpeechConfig(name="tiny", description="For tests: 12/4/4 utterances.",
                      num_train=12, num_validation=4, num_test=4),
]


def features() -> tfds.features.FeaturesDict:
  return tfds.features.FeaturesDict({
      # Raw bytes (2 per sample): the default int64-list proto takes up to 10 bytes per
      # negative sample, and TFDS spills a split over 1 GB through tf.io (TensorFlow).
      "audio": tfds.features.Tensor(shape=(None,), dtype=np.int16,
                                    encoding=tfds.features.Encoding.BYTES),
      "text": tfds.features.Text(),
      "voice": tfds.features.Text(),
      "rate": tfds.features.Scalar(dtype=np.int32),
  })


def split_sentences(corpus_dir: str | None, config: ProseSpeechConfig) -> dict[str, list[str]]:
  """The sentences of each split (``train``/``validation``/``test``), drawn with the seed.

  Test sentences are drawn first, then validation ones not in test, then train ones in
  neither, each a seeded random choice among the corpus split's readable sentences.

  Raises:
    ValueError: the corpus split has fewer readable sentences than asked for.
  """
  corpus = pydoc_prose.prepare(corpus_dir)
  counts = {"train": config.num_train, "validation": config.num_validation,
            "test": config.num_test}
  out, taken = {}, set()
  for index, split in enumerate(("test", "validation", "train")):
    source = corpus.as_data_source(split=_CORPUS_SPLITS[split])
    documents = [source[i]["text"] for i in range(len(source))]
    documents = [d.decode("utf-8") if isinstance(d, bytes) else d for d in documents]
    candidates = [s for s in prose_sentences.sentences_of(documents) if s not in taken]
    if len(candidates) < counts[split]:
      raise ValueError(f"{NAME}: the corpus's {_CORPUS_SPLITS[split]!r} split has "
                       f"{len(candidates)} readable sentences; {counts[split]} asked for.")
    order = np.random.default_rng([config.seed, index]).permutation(len(candidates))
    out[split] = [candidates[i] for i in order[:counts[split]]]
    taken.update(out[split])
  return out


class _ProseSpeechBuilder(offline_build.EmbeddedBuilder, skip_registration=True):
  """What the eSpeak NG set and its Flite test split share: configs and features."""

  BUILDER_CONFIGS = _CONFIGS

  def _info(self) -> tfds.core.DatasetInfo:
    return self._dataset_info(features(), metadata=tfds.core.MetadataDict(
        sample_rate=embedded.SAMPLE_RATE))


class RnnlabProseSpeech(_ProseSpeechBuilder):
  """Open-vocabulary English prose read by eSpeak NG voices."""

  def _split_generators(self, dl_manager):
    del dl_manager  # Nothing is downloaded.
    texts = split_sentences(self.data_dir_root, self.builder_config)
    return {split: self._generate_examples(texts[split], index)
            for index, split in enumerate(("train", "validation", "test"))}

  def _generate_examples(self, texts, split_index):
    synth = espeak.synthesizer()
    test = split_index == 2
    for i, text in enumerate(texts):
      rng = np.random.default_rng([self.builder_config.seed, split_index, i])
      voice = embedded.draw_voice(rng, test=test)
      audio = embedded.render(rng, synth.synthesize(text, voice), synth.sample_rate, test=test)
      yield i, {"audio": audio, "text": text, "voice": voice.name, "rate": voice.rate}


class RnnlabProseSpeechFlite(_ProseSpeechBuilder):
  """The test sentences of ``rnnlab_prose_speech`` read by CMU Flite (split ``test``)."""

  def _split_generators(self, dl_manager):
    del dl_manager  # Nothing is downloaded.
    return {"test": self._generate_examples(
        split_sentences(self.data_dir_root, self.builder_config)["test"])}

  def _generate_examples(self, texts):
    for i, text in enumerate(texts):
      rng = np.random.default_rng([self.builder_config.seed, 3, i])
      voice = flite.Voice(name=flite.VOICES[int(rng.integers(len(flite.VOICES)))],
                          duration_stretch=round(float(rng.uniform(0.9, 1.2)), 2))
      pcm, rate = flite.synthesize(text, voice)
      audio = embedded.render(rng, pcm, rate, test=True)
      yield i, {"audio": audio, "text": text,
                "voice": f"flite:{voice.name}@{voice.duration_stretch}", "rate": 0}


def prepare(data_dir: str | None = None, config: str = "default", engine: str = "espeak"
            ) -> tfds.core.DatasetBuilder:
  """Generates the set (``engine="espeak"``) or its Flite test split (``"flite"``).

  Nothing is regenerated when it is already in ``data_dir`` (default TFDS's own).

  Raises:
    ValueError: unknown config or engine. ImportError: ``engine="flite"`` without Flite.
  """
  names = [c.name for c in _CONFIGS]
  if config not in names:
    raise ValueError(f"Unknown {NAME} config {config!r}; allowed: {names}.")
  builders = {"espeak": RnnlabProseSpeech, "flite": RnnlabProseSpeechFlite}
  if engine not in builders:
    raise ValueError(f"Unknown engine {engine!r}; allowed: {tuple(builders)}.")
  builder = builders[engine](config=config, data_dir=data_dir,
                             file_format=tfds.core.FileFormat.ARRAY_RECORD)
  if not builder.is_prepared() and engine == "flite" and not flite.available():
    raise ImportError(f"{NAME}/test_flite is read by CMU Flite, which is not installed: "
                      "`apt-get install flite` (Debian/Ubuntu).")
  return offline_build.prepare_offline(builder)


def load(split: str, config: str = "default", data_dir: str | None = None):
  """Returns the ``tfds.data_source`` of one split (one of ``SPLITS``), generating it first
  if needed."""
  if split not in SPLITS:
    raise ValueError(f"Unknown split {split!r} of {NAME}; allowed: {SPLITS}.")
  if split == "test_flite":
    return prepare(data_dir, config, engine="flite").as_data_source(split="test")
  return prepare(data_dir, config).as_data_source(split=split)
