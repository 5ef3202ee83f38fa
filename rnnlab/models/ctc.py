"""CTC acoustic model: stacked (bi)directional RNN of any cell -> linear to vocab + blank.

Seed 002's end-to-end recogniser: features ``[B, T, D]`` in, per-frame logits over the
characters and the CTC blank out. An optional pyramidal encoder (Listen, Attend and
Spell's pBLSTM) concatenates ``reduction_factors[i]`` consecutive frames before layer
``i``, shortening the sequence by their product; frame stacking of the features
(``rnnlab.features.stack_frames``) does the same before the first layer.

The loss is ``optax.ctc_loss`` with padding masks on frames and labels. CTC needs at
least ``L + r`` frames for a label of length ``L`` with ``r`` adjacent repeats (a blank
must separate repeated characters); ``check_ctc_lengths`` raises a clear error on the
host before a batch is trained on, as ``optax.ctc_loss`` would silently return a huge
loss.
"""
from typing import Any, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from rnnlab import nn as rnn
from rnnlab.features import frame_stacking
from rnnlab.features import masking
from rnnlab.features import pipeline as features_pipeline
from rnnlab.features import spec_augmentation


class CTCModel(nn.Module):
  """``__call__(features [B, T, D], lengths [B], deterministic) -> (logits [B, T', V], lengths')``.

  Attributes:
    cells: one cell per layer (``rnnlab.cells``), used for both directions.
    num_classes: V, output classes including the blank.
    bidirectional: bidirectional layers (concat of both directions) or forward only.
    reduction_factors: per layer, frames concatenated before it (pyramidal encoder);
      empty = all 1. ``T' = ceil(T / prod(factors))``.
    dropout_rate: dropout on each layer's input after the first, and before the output.
    block, unroll, remat, impl: passed to ``rnnlab.nn.StackedRNN``.
    dtype: compute dtype of the output layer (the cells carry their own); logits float32.
  """

  cells: Sequence[Any]
  num_classes: int
  bidirectional: bool = True
  reduction_factors: Sequence[int] = ()
  dropout_rate: float = 0.0
  block: str = "none"
  unroll: int = 1
  remat: bool = False
  impl: str = "auto"
  dtype: Any = jnp.float32
  param_dtype: Any = jnp.float32

  def setup(self):
    # The layers are ``rnnlab.nn.StackedRNN`` sharing this module's scope, so the
    # parameters stay ``layer_{l}`` and ``output`` at the top of the tree.
    self.encoder = rnn.StackedRNN(
        cells=tuple(self.cells), bidirectional=self.bidirectional,
        reduction_factors=tuple(self.reduction_factors), dropout_rate=self.dropout_rate,
        output_dropout=True, block=self.block, unroll=self.unroll, remat=self.remat, impl=self.impl)
    nn.share_scope(self, self.encoder)
    self.output = nn.Dense(self.num_classes, dtype=self.dtype, param_dtype=self.param_dtype)

  def __call__(self, features, lengths, deterministic: bool = True):
    _, logits, lengths = self.encode(features, lengths, deterministic)
    return logits, lengths

  def encode(self, features, lengths, deterministic: bool = True, with_logits: bool = True):
    """``(states [B, T', H'], logits [B, T', V] | None, lengths' [B])``: the last layer's
    outputs (after its dropout; ``H' = 2H`` if bidirectional, zero at padded frames) and,
    with ``with_logits``, the output layer on them. Listen, Attend and Spell attends over
    ``states`` (``rnnlab.models.las``); without ``with_logits`` the output layer is neither
    run nor, at init, created."""
    lengths = jnp.asarray(lengths, jnp.int32)
    _, xs = self.encoder(features.astype(self.dtype), lengths, deterministic=deterministic)
    lengths = rnn.reduced_lengths(lengths, self.reduction_factors)
    if not with_logits:
      return xs, None, lengths
    return xs, self.output(xs).astype(jnp.float32), lengths


def total_reduction(reduction_factors: Sequence[int]) -> int:
  """The encoder's time reduction: the product of its factors."""
  return int(np.prod(reduction_factors or (1,)))


def ctc_loss(logits, logit_lengths, labels, label_lengths, blank_id: int = 0):
  """Per-utterance CTC negative log-likelihood (nats), float32 ``[B]``.

  Args:
    logits: ``[B, T, V]``.
    logit_lengths: valid frames, int ``[B]``.
    labels: label ids ``[B, L]``, right-padded (padding ids are ignored).
    label_lengths: int ``[B]``.
    blank_id: the blank class.

  Padded frames and labels are selected to 0 / ``blank_id`` before ``optax.ctc_loss`` (which
  blends padded frames by multiplying with the padding), so whatever they hold (NaN, inf,
  out-of-range ids) reaches neither the loss nor its gradient.
  """
  frames = masking.frame_mask(logit_lengths, logits.shape[1])  # [B, T] bool
  label_mask = masking.frame_mask(label_lengths, labels.shape[1])  # [B, L] bool
  logits = jnp.where(frames[..., None], logits, jnp.zeros((), logits.dtype))
  labels = jnp.where(label_mask, labels, blank_id)
  logit_paddings = 1.0 - frames.astype(jnp.float32)
  label_paddings = 1.0 - label_mask.astype(jnp.float32)
  return optax.ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id=blank_id)


def min_ctc_frames(labels: Sequence[int]) -> int:
  """The fewest frames that can emit ``labels``: ``L`` plus one per adjacent repeat."""
  labels = np.asarray(labels)
  return int(labels.size + np.sum(labels[1:] == labels[:-1]))


def check_ctc_lengths(labels: Sequence[int], num_frames: int, what: str = "utterance") -> None:
  """Raises ValueError if ``num_frames`` (after the encoder's reduction) cannot emit ``labels``."""
  needed = min_ctc_frames(labels)
  if needed > num_frames:
    raise ValueError(
        f"{what}: label of {len(labels)} characters needs at least {needed} CTC frames "
        f"(one per character plus one blank between each repeated pair) but the encoder "
        f"gives {num_frames}; use a smaller frame stacking / reduction_factors, or drop the "
        f"utterance.")


class SpeechRecognizer(nn.Module):
  """Front end + acoustic model: int16 audio in, the acoustic model's outputs out.

  ``__call__(audio int16 [B, N], num_samples [B], *inputs, deterministic)``: log-mel
  features (``filterbank``), SpecAugment when not ``deterministic`` and ``spec_augment``
  is set (Flax rng stream ``"spec_augment"``), frame stacking, then
  ``encoder(features [B, T, D], lengths [B], *inputs, deterministic=...)``. With a
  :class:`CTCModel` that gives ``(logits [B, T', V], lengths [B])``; with
  ``rnnlab.models.las.ListenAttendSpell`` (``inputs`` = the teacher-forced decoder input)
  see that class. :meth:`encode` and :meth:`decode_step` forward to the acoustic model's
  own (LAS decoding). Keeping the front end in the module means a trained model's config
  fully describes what audio it expects. The front end has no parameters: the parameter
  tree is ``{"encoder": <the acoustic model's>}``.
  """

  filterbank: features_pipeline.FilterbankConfig
  encoder: nn.Module
  frame_stacking: int = 1
  spec_augment: spec_augmentation.SpecAugmentConfig | None = None

  def front_end(self, audio, num_samples, deterministic: bool = True):
    """``(features [B, T, D], lengths [B])`` after frame stacking."""
    waveforms = jnp.asarray(audio).astype(jnp.float32) / 32768.0
    feats, lengths = features_pipeline.filterbank_features(waveforms, num_samples,
                                                           self.filterbank)
    if not deterministic and self.spec_augment is not None:
      feats = self.spec_augment(self.make_rng("spec_augment"), feats, lengths)
    return frame_stacking.stack_frames(feats, lengths, self.frame_stacking)

  def __call__(self, audio, num_samples, *inputs, deterministic: bool = True):
    feats, lengths = self.front_end(audio, num_samples, deterministic)
    return self.encoder(feats, lengths, *inputs, deterministic=deterministic)

  def encode(self, audio, num_samples):
    """The acoustic model's ``encode`` on the (deterministic) features of ``audio``."""
    return self.encoder.encode(*self.front_end(audio, num_samples))

  def decode_step(self, static, carry, tokens):
    """The acoustic model's ``decode_step`` (the ``rnnlab.decoding`` step contract)."""
    return self.encoder.decode_step(static, carry, tokens)
