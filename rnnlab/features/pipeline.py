"""The speech front end in one call: waveform -> log-mel (+ deltas) -> per-utterance norm.

SpecAugment (training only, needs a key) and frame stacking come after it, separately:
``spec_augmentation.spec_augment`` and ``frame_stacking.stack_frames``.
"""
import dataclasses

import jax.numpy as jnp

from rnnlab.features import deltas
from rnnlab.features import mel
from rnnlab.features import normalization


@dataclasses.dataclass(frozen=True)
class FilterbankConfig:
  """Front-end hyperparameters (see ``mel.log_mel_spectrogram``)."""

  sample_rate: int = 16000
  num_mels: int = 80
  frame_length_ms: float = 25.0
  frame_step_ms: float = 10.0
  preemphasis: float = 0.97
  delta_order: int = 0
  delta_window: int = 2
  normalize: bool = True

  @property
  def feature_dim(self) -> int:
    return self.num_mels * (self.delta_order + 1)

  def num_frames(self, num_samples):
    """Frames for ``num_samples`` (int or ``[B]`` array)."""
    return mel.num_frames(num_samples, mel.ms_to_samples(self.frame_length_ms, self.sample_rate),
                          mel.ms_to_samples(self.frame_step_ms, self.sample_rate))


def filterbank_features(waveforms, num_samples, config: FilterbankConfig):
  """Normalised log-mel features of a right-padded batch of waveforms.

  Args:
    waveforms: float ``[B, N]`` in [-1, 1].
    num_samples: valid samples per waveform, int ``[B]``.
    config: front-end settings.

  Returns:
    ``(features [B, T, config.feature_dim], frame_lengths int32 [B])``; features are
    zero at padded frames when ``config.normalize``.
  """
  features = mel.log_mel_spectrogram(
      waveforms, config.sample_rate, num_mels=config.num_mels,
      frame_length_ms=config.frame_length_ms, frame_step_ms=config.frame_step_ms,
      preemphasis=config.preemphasis)
  lengths = config.num_frames(jnp.asarray(num_samples)).astype(jnp.int32)
  if config.delta_order:
    features = deltas.add_deltas(features, lengths, config.delta_order, config.delta_window)
  if config.normalize:
    features = normalization.normalize_per_utterance(features, lengths)
  return features, lengths
