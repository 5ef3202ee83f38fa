"""Speech recognition (seed 002): log-mel features -> (bi)RNN -> characters, by CTC or LAS.

Data: ``data.dataset`` names a speech set (``rnnlab.data.speech.sources``; default the
embedded eSpeak NG set ``rnnlab_speech``, generated on first use in ~1 minute). Batches
hold raw int16 audio bucketed by duration; the front end runs inside the jitted step:
log-mel filterbanks (+ optional deltas) -> per-utterance normalisation -> SpecAugment
(training only) -> frame stacking (``data.frame_stacking``). The model is
``rnnlab.models.ctc.CTCModel`` (any cell, ``model.cell``; optional pyramidal
``model.reduction_factors``) trained with ``optax.ctc_loss``.

``model.architecture`` picks the recogniser over the same data, front end and metrics:
``ctc`` (above), ``las`` (Listen, Attend and Spell, Chan et al. 2016: that encoder ->
an attention decoder over its states, ``rnnlab.models.las``; cell ``model.cell`` of size
``model.decoder_hidden_size``, ``model.attention``) or ``joint`` (LAS + a CTC head on the
encoder, trained on ``(1 - model.ctc_weight) * attention NLL + model.ctc_weight * CTC``,
Kim et al. 2017). Every architecture keeps only utterances CTC could emit, so all three
train and score on the same utterances.

Metrics: ``loss`` is the CTC negative log-likelihood per utterance (nats); eval also
reports ``cer``, the exact corpus character error rate of greedy decoding (edit distances
summed over the set / reference characters). ``final_report`` decodes the validation
and test splits greedily and with prefix beam search (optionally fused with a
character Kneser-Ney LM fitted on the training transcripts, ``model.decoding.lm``),
scores CER and WER with jiwer and writes ``transcripts_<split>.tsv`` to the workdir.
LAS and joint models report ``cer`` of greedy attention decoding and decode with
``attention_greedy`` and ``attention_beam`` (beam ``model.decoding.beam_size``, GNMT
length normalisation ``model.decoding.length_penalty``); a joint model also with the CTC
decoders and ``joint_beam``, the attention beam's n-best rescored by ``lambda * log P_ctc +
(1 - lambda) * log P_att`` (``lambda = model.decoding.ctc_weight``). See
:data:`rnnlab.models.speech_decoding.DECODERS`.

Every utterance is checked on load: a transcript longer than the CTC frames the encoder
gives it (``rnnlab.models.ctc.check_ctc_lengths``) is an error naming the utterance,
unless ``data.drop_infeasible`` drops it (the count is logged).
"""
import os
from typing import Any, Iterable

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from rnnlab.data.speech import sources
from rnnlab import decoding
from rnnlab.decoding import ctc as ctc_decoding
from rnnlab.metrics import speech as speech_metrics
from rnnlab.models import attention_decoder
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import ctc as ctc_model
from rnnlab.models import las
from rnnlab.models import speech_data
from rnnlab.models import speech_decoding
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, Task

ALPHABET = builders.SPEECH_ALPHABET


def default_data_config() -> ml_collections.ConfigDict:
  return ml_collections.ConfigDict(dict(
      dataset="rnnlab_speech",
      builder_config="default",  # the embedded set's size: "default" or "tiny"
      data_dir="",  # TFDS data folder; "" = TFDS's default
      path="",  # dataset "files": root of a LibriSpeech-layout folder
      skip_unreadable=False,  # "files": skip (and count) unreadable audio instead of failing
      train_split="train",  # for "files", folder names, e.g. "train-clean-100" ...
      eval_split="validation",  # ... "dev-clean" ...
      test_split="test",  # ... "test-clean"
      max_train_examples=0,  # 0 = all
      max_eval_examples=0,
      bucket_seconds=1.0,  # audio padded to a multiple of this (one compile per bucket)
      drop_infeasible=False,  # drop (True) or reject (False) labels longer than CTC allows
      # Front end.
      num_mels=80,
      frame_length_ms=25.0,
      frame_step_ms=10.0,
      preemphasis=0.97,
      delta_order=0,  # 0: log-mels; 1: + deltas; 2: + delta-deltas
      frame_stacking=3,  # concatenate k frames (10 ms -> 30 ms per encoder step)
      # SpecAugment (training only).
      spec_augment=True,
      num_freq_masks=2,
      freq_mask_width=15,
      num_time_masks=2,
      time_mask_width=20,
      time_mask_max_fraction=0.1,
  ))


def default_model_config() -> ml_collections.ConfigDict:
  config = cell_config.default_model_config()
  config.hidden_size = 192
  config.num_layers = 3
  config.bidirectional = True
  config.reduction_factors = ()  # per layer; () = no pyramidal reduction
  config.architecture = "ctc"  # "ctc" | "las" | "joint" (LAS + CTC head, joint loss)
  config.ctc_weight = 0.3  # joint only: weight of the CTC loss (Kim et al. 2017's lambda)
  # The LAS speller (architectures las, joint): one cell of kind model.cell.
  config.decoder_hidden_size = 256
  config.embed_size = 32
  config.attention = "additive"  # rnnlab.models.attention_decoder.ATTENTIONS
  config.attention_size = 128
  config.decoding = dict(
      beam_size=8,  # CTC prefix beam and attention beam
      length_penalty=0.6,  # attention beam: GNMT alpha
      ctc_weight=0.3,  # joint_beam: lambda of lambda * log P_ctc + (1 - lambda) * log P_att
      prune_log_prob=-10.0,  # labels below this frame log-prob are not extended
      lm="none",  # "none" | "kneser_ney" (char LM fitted on the training transcripts)
      lm_order=6,
      lm_weight=0.3,
      insertion_bonus=0.5,
  )
  return config


def _decoder_inputs(model, batch) -> tuple:
  """The acoustic model's inputs after the audio: LAS's teacher-forced decoder input."""
  if not isinstance(model.encoder, las.ListenAttendSpell):
    return ()
  target_input, _, _ = las.teacher_forcing(batch["labels"], batch["label_lengths"],
                                           ALPHABET.blank_id)
  return (target_input,)


@register_task
class CTCSpeechTask(Task):
  """Character CTC speech recognition; see the module docstring."""
  name = "ctc_speech"

  def default_config(self) -> ml_collections.ConfigDict:
    return ml_collections.ConfigDict(dict(data=default_data_config(),
                                          model=default_model_config()))

  def config_choices(self):
    return {**cell_config.config_choices(), "data.dataset": sources.DATASETS,
            "model.decoding.lm": speech_decoding.LM_CHOICES,
            "model.architecture": builders.SPEECH_ARCHITECTURES,
            "model.attention": attention_decoder.ATTENTIONS}

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    data, model = config.data, config.model
    positive = {"data.num_mels": data.num_mels, "data.frame_stacking": data.frame_stacking,
                "data.bucket_seconds": data.bucket_seconds,
                "data.frame_length_ms": data.frame_length_ms,
                "data.frame_step_ms": data.frame_step_ms,
                "model.decoding.beam_size": model.decoding.beam_size,
                "model.decoding.lm_order": model.decoding.lm_order}
    for key, value in positive.items():
      if value <= 0:
        raise ValueError(f"config.{key} must be > 0, got {value!r}")
    if speech_decoding.has_attention_decoder(config):
      for key in ("decoder_hidden_size", "embed_size", "attention_size"):
        if model[key] < 1:
          raise ValueError(f"config.model.{key} must be >= 1, got {model[key]!r}")
      if model.decoding.length_penalty < 0:
        raise ValueError(f"config.model.decoding.length_penalty must be >= 0, got "
                         f"{model.decoding.length_penalty!r}")
    if model.architecture == "joint" and not 0.0 < model.ctc_weight < 1.0:
      raise ValueError(f"config.model.ctc_weight must be in (0, 1) for architecture 'joint' "
                       f"(0 is 'las', 1 is 'ctc'), got {model.ctc_weight!r}")
    if not 0.0 <= model.decoding.ctc_weight <= 1.0:
      raise ValueError(f"config.model.decoding.ctc_weight must be in [0, 1], got "
                       f"{model.decoding.ctc_weight!r}")
    if data.delta_order not in (0, 1, 2):
      raise ValueError(f"config.data.delta_order must be 0, 1 or 2, got {data.delta_order!r}")
    if not 0.0 <= data.time_mask_max_fraction <= 1.0:
      raise ValueError(f"config.data.time_mask_max_fraction must be in [0, 1], got "
                       f"{data.time_mask_max_fraction!r}")
    factors = tuple(model.reduction_factors)
    if factors and (len(factors) != model.num_layers or min(factors) < 1):
      raise ValueError(f"config.model.reduction_factors must be () or {model.num_layers} ints "
                       f">= 1 (one per layer), got {factors!r}")
    cell_config.validate_model_config(model)
    for key in ("train_split", "eval_split", "test_split"):
      try:
        sources.check_split(data.dataset, data[key])
      except ValueError as e:
        raise ValueError(f"config.data.{key}: {e}") from e
    if data.dataset == sources.FILES and not os.path.isdir(data.path):
      raise ValueError(f"config.data.path must be a LibriSpeech-layout directory for "
                       f"data.dataset={sources.FILES!r}, got {data.path!r}")

  # ---- data -----------------------------------------------------------------------

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    return speech_data.split_batches(
        config, config.data.train_split, batch_size, shuffle=True, seed=config.train.seed,
        max_examples=config.data.max_train_examples, shard_index=shard_index,
        shard_count=shard_count).iterator()

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    return iter(speech_data.split_batches(config, config.data.eval_split, batch_size,
                                          shuffle=False,
                                          max_examples=config.data.max_eval_examples))

  def steps_per_epoch(self, config) -> int:
    return speech_data.split_batches(config, config.data.train_split, config.train.batch_size,
                                     shuffle=True,
                                     max_examples=config.data.max_train_examples).num_batches

  # ---- model ----------------------------------------------------------------------

  def build_model(self, config) -> nn.Module:
    return builders.build_speech_recognizer(config)

  def init_params(self, model, config, batch, *, key) -> Any:
    return model.init({"params": key}, batch["audio"], batch["num_samples"],
                      *_decoder_inputs(model, batch))["params"]

  # ---- objective and metrics ------------------------------------------------------

  def _per_utterance(self, model, params, batch, *, key=None, train=False):
    """``(outputs, losses [B], weights [B])``; ``outputs`` is the acoustic model's."""
    rngs = {}
    if train:
      augment_key, dropout_key = jax.random.split(key)
      rngs = {"dropout": dropout_key, "spec_augment": augment_key}
    inputs = _decoder_inputs(model, batch)
    outputs = model.apply({"params": params}, batch["audio"], batch["num_samples"],
                          *inputs, deterministic=not train, rngs=rngs)
    if inputs:
      losses = las.per_utterance_losses(outputs, batch["labels"], batch["label_lengths"],
                                        ctc_weight=model.encoder.ctc_weight,
                                        boundary_id=ALPHABET.blank_id)["loss"]
    else:
      logits, out_lengths = outputs
      losses = ctc_model.ctc_loss(logits, out_lengths, batch["labels"], batch["label_lengths"],
                                  blank_id=ALPHABET.blank_id)
    weights = (jnp.asarray(batch["num_samples"]) > 0).astype(jnp.float32)
    return outputs, jnp.where(weights > 0, losses, 0.0), weights

  def loss(self, model, params, batch, carry, *, key, train):
    _, losses, weights = self._per_utterance(model, params, batch, key=key, train=train)
    loss = jnp.sum(losses) / jnp.maximum(jnp.sum(weights), 1.0)
    chars = jnp.maximum(jnp.sum(jnp.asarray(batch["label_lengths"])), 1).astype(jnp.float32)
    return loss, ({"loss": loss, "loss_per_char": jnp.sum(losses) / chars}, carry)

  def eval_metric_names(self, config):
    return ("loss", "loss_per_char", "cer")

  def eval_step(self, model, params, batch, carry):
    """Sums of the loss and of the edit distances of greedy decoding: CTC best path for
    ``ctc``, greedy attention decoding (at most ``T' + 1`` tokens) for ``las``/``joint``."""
    outputs, losses, weights = self._per_utterance(model, params, batch)
    if isinstance(model.encoder, las.ListenAttendSpell):
      encode_fn, step_fn = las.decoder_functions(model)
      static, state, _, _ = encode_fn(params, batch["audio"], batch["num_samples"])
      result = decoding.greedy_search(
          step_fn, params, static, state, bos_id=ALPHABET.blank_id, eos_id=ALPHABET.blank_id,
          max_length=int(static["memory"].shape[1]) + 1, pad_id=ALPHABET.blank_id)
      hyps, hyp_lengths = las.hypothesis_labels(result.tokens, result.lengths,
                                                ALPHABET.blank_id)
    else:
      logits, out_lengths = outputs
      hyps, hyp_lengths = ctc_decoding.greedy_decode_padded(logits, out_lengths,
                                                            ALPHABET.blank_id)
    distances = speech_metrics.edit_distances(hyps, hyp_lengths, batch["labels"],
                                              batch["label_lengths"])
    chars = jnp.sum(jnp.asarray(batch["label_lengths"])).astype(jnp.float32)
    sums = {"loss": (jnp.sum(losses), jnp.sum(weights)),
            "loss_per_char": (jnp.sum(losses), chars),
            "cer": (jnp.sum(distances * weights).astype(jnp.float32), chars)}
    return sums, carry

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    has_ctc = speech_decoding.has_ctc_outputs(config)
    log_prob_fn = speech_decoding.make_log_prob_fn(config, model) if has_ctc else None
    lm = speech_decoding.fit_lm(config) if has_ctc else None
    report = {}
    for split in dict.fromkeys((config.data.eval_split, config.data.test_split)):
      report.update(speech_decoding.evaluate_split(config, model, params, split, workdir, lm,
                                                   log_prob_fn))
    return report
