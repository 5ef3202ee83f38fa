"""The utterances of a speech run's splits that its model can be trained and scored on.

Every utterance is checked on load: a transcript longer than the CTC frames the encoder
gives it (:func:`rnnlab.models.ctc.check_ctc_lengths`; frames from the run's front end,
``data.frame_stacking`` and ``model.reduction_factors``) is an error naming the utterance,
unless ``data.drop_infeasible`` drops it (the count is logged). It lives beside the models
because feasibility depends on the model's geometry; the task (training) and
``rnnlab.transcribe --split`` (scoring) read the same utterances through it.
"""
import functools

from absl import logging
import ml_collections
import numpy as np

from rnnlab.data.speech import batching
from rnnlab.data.speech import sources
from rnnlab.models import builders
from rnnlab.models import ctc as ctc_model

ALPHABET = builders.SPEECH_ALPHABET
SAMPLE_RATE = sources.SAMPLE_RATE
_LABEL_PAD_MULTIPLE = 16


def encoder_frames(config: ml_collections.ConfigDict, num_samples) -> np.ndarray:
  """CTC frames the model emits for utterances of ``num_samples`` samples (int ``[B]``)."""
  frames = np.asarray(builders.filterbank_config(config.data).num_frames(np.asarray(num_samples)))
  for factor in (config.data.frame_stacking,) + tuple(config.model.reduction_factors):
    frames = -(-frames // factor)
  return frames


@functools.lru_cache(maxsize=8)
def _load(dataset: str, split: str, data_dir: str, builder_config: str, max_examples: int,
          path: str = "", skip_unreadable: bool = False):
  return tuple(sources.load_utterances(dataset, split, data_dir=data_dir or None,
                                       config=builder_config, max_examples=max_examples,
                                       path=path, skip_unreadable=skip_unreadable))


def load_split(config: ml_collections.ConfigDict, split: str, max_examples: int = 0):
  """``(audios, labels, texts)`` of a split, checked (or filtered) for CTC feasibility."""
  data = config.data
  utterances = _load(data.dataset, split, data.data_dir, data.builder_config, max_examples,
                     data.path, data.skip_unreadable)
  if not utterances:
    raise ValueError(f"{data.dataset}/{split} has no utterances.")
  frames = encoder_frames(config, [u.audio.shape[0] for u in utterances])
  audios, labels, texts, dropped = [], [], [], 0
  for i, (utterance, num_frames) in enumerate(zip(utterances, frames)):
    label = ALPHABET.encode(utterance.text)
    try:
      ctc_model.check_ctc_lengths(label, int(num_frames),
                                  what=f"{data.dataset}/{split} utterance {i} "
                                       f"({utterance.text!r})")
    except ValueError:
      if not data.drop_infeasible:
        raise
      dropped += 1
      continue
    audios.append(utterance.audio)
    labels.append(label)
    texts.append(utterance.text)
  if not audios:
    raise ValueError(f"all {len(utterances)} {data.dataset}/{split} utterances have labels "
                     "longer than CTC allows; lower data.frame_stacking / "
                     "model.reduction_factors.")
  if dropped:
    logging.warning("dropped %d of %d %s utterances whose labels are longer than CTC allows",
                    dropped, len(utterances), split)
  return audios, labels, texts


def _label_length(labels) -> int:
  longest = max(max(label.shape[0] for label in labels), 1)
  return -(-longest // _LABEL_PAD_MULTIPLE) * _LABEL_PAD_MULTIPLE


def split_batches(config, split: str, batch_size: int, shuffle: bool, seed: int = 0,
                  max_examples: int = 0, shard_index: int = 0, shard_count: int = 1
                  ) -> batching.SpeechBatches:
  """Batches of ``split`` (``max_examples`` 0 = all; every ``shard_count``-th utterance
  from ``shard_index``), audio padded to multiples of ``data.bucket_seconds``."""
  audios, labels, _ = load_split(config, split, max_examples)
  audios, labels = audios[shard_index::shard_count], labels[shard_index::shard_count]
  return batching.SpeechBatches(
      audios, labels, batch_size,
      bucket_samples=int(round(config.data.bucket_seconds * SAMPLE_RATE)),
      label_length=_label_length(labels), shuffle=shuffle, seed=seed)
