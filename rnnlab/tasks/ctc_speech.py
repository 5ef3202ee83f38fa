"""Speech recognition with CTC (seed 002): log-mel features -> (bi)RNN -> characters.

Data: ``data.dataset`` names a speech set (``rnnlab.data.speech.sources``; default the
embedded eSpeak NG set ``rnnlab_speech``, generated on first use in ~1 minute). Batches
hold raw int16 audio bucketed by duration; the front end runs inside the jitted step:
log-mel filterbanks (+ optional deltas) -> per-utterance normalisation -> SpecAugment
(training only) -> frame stacking (``data.frame_stacking``). The model is
``rnnlab.models.ctc.CTCModel`` (any cell, ``model.cell``; optional pyramidal
``model.reduction_factors``) trained with ``optax.ctc_loss``.

Metrics: ``loss`` is the CTC negative log-likelihood per utterance (nats); eval also
reports ``cer``, the exact corpus character error rate of greedy decoding (edit distances
summed over the set / reference characters). ``final_report`` decodes the validation
and test splits greedily and with prefix beam search (optionally fused with a
character Kneser-Ney LM fitted on the training transcripts, ``model.decoding.lm``),
scores CER and WER with jiwer and writes ``transcripts_<split>.tsv`` to the workdir.

Every utterance is checked on load: a transcript longer than the CTC frames the encoder
gives it (``rnnlab.models.ctc.check_ctc_lengths``) is an error naming the utterance,
unless ``data.drop_infeasible`` drops it (the count is logged).
"""
import functools
import os
from typing import Any, Iterable

from absl import logging
import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab.baselines import kneser_ney
from rnnlab.data.speech import batching
from rnnlab.data.speech import sources
from rnnlab.decoding import ctc as ctc_decoding
from rnnlab.metrics import speech as speech_metrics
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import ctc as ctc_model
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, Task

ALPHABET = builders.SPEECH_ALPHABET
SAMPLE_RATE = sources.SAMPLE_RATE
LM_CHOICES = ("none", "kneser_ney")
_LABEL_PAD_MULTIPLE = 16


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
  config.decoding = dict(
      beam_width=8,
      prune_log_prob=-10.0,  # labels below this frame log-prob are not extended
      lm="none",  # "none" | "kneser_ney" (char LM fitted on the training transcripts)
      lm_order=6,
      lm_weight=0.3,
      insertion_bonus=0.5,
  )
  return config


filterbank_config = builders.filterbank_config


def encoder_frames(config: ml_collections.ConfigDict, num_samples) -> np.ndarray:
  """CTC frames the model emits for utterances of ``num_samples`` samples (int ``[B]``)."""
  frames = np.asarray(filterbank_config(config.data).num_frames(np.asarray(num_samples)))
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


def _batches(config, split: str, batch_size: int, shuffle: bool, seed: int = 0,
             max_examples: int = 0, shard_index: int = 0, shard_count: int = 1):
  audios, labels, _ = load_split(config, split, max_examples)
  audios, labels = audios[shard_index::shard_count], labels[shard_index::shard_count]
  return batching.SpeechBatches(
      audios, labels, batch_size,
      bucket_samples=int(round(config.data.bucket_seconds * SAMPLE_RATE)),
      label_length=_label_length(labels), shuffle=shuffle, seed=seed)


def fit_lm(config) -> ctc_decoding.CharLM | None:
  """The character LM of ``config.model.decoding`` (None for ``lm="none"``).

  ``kneser_ney``: an interpolated Kneser-Ney model (``rnnlab.baselines``) of order
  ``lm_order`` fitted on the training transcripts, with the blank id as the sentence
  boundary (so an empty prefix conditions on "start of sentence").
  """
  decoding = config.model.decoding
  if decoding.lm == "none":
    return None
  _, labels, _ = load_split(config, config.data.train_split, config.data.max_train_examples)
  stream = np.concatenate([np.concatenate([[ALPHABET.blank_id], label]) for label in labels]
                          + [[ALPHABET.blank_id]])
  lm = kneser_ney.KneserNeyLM.fit(stream, ALPHABET.vocab_size, order=decoding.lm_order)
  context_size = decoding.lm_order - 1

  @functools.lru_cache(maxsize=1 << 18)
  def context_log_probs(context: tuple[int, ...]) -> np.ndarray:
    return np.log(lm.next_token_probs(context))

  def char_lm(prefix: tuple[int, ...]) -> np.ndarray:
    context = (ALPHABET.blank_id,) + tuple(prefix)
    return context_log_probs(context[len(context) - context_size:] if context_size else ())

  return char_lm


def decode_methods(config) -> tuple[str, ...]:
  """``greedy``, ``beam`` and, with an LM configured, ``beam_lm`` (shallow fusion)."""
  return ("greedy", "beam") + (("beam_lm",) if config.model.decoding.lm != "none" else ())


def decode_log_probs(log_probs, lengths, config, lm=None, methods=None
                     ) -> dict[str, list[str]]:
  """Transcripts of a batch of log-probs ``[B, T, V]`` per decoding method."""
  decoding = config.model.decoding
  methods = methods or decode_methods(config)
  beam_kwargs = dict(beam_width=decoding.beam_width, blank_id=ALPHABET.blank_id,
                     prune_log_prob=decoding.prune_log_prob)
  out = {}
  for method in methods:
    if method == "greedy":
      ids = ctc_decoding.greedy_decode(log_probs, lengths, ALPHABET.blank_id)
    elif method == "beam":
      ids = ctc_decoding.beam_decode(log_probs, lengths, **beam_kwargs)
    elif method == "beam_lm":
      if lm is None:
        raise ValueError("decoding method 'beam_lm' needs a character LM "
                         "(config.model.decoding.lm).")
      ids = ctc_decoding.beam_decode(log_probs, lengths, lm=lm, lm_weight=decoding.lm_weight,
                                     insertion_bonus=decoding.insertion_bonus, **beam_kwargs)
    else:
      raise ValueError(f"Unknown decoding method {method!r}; allowed: greedy, beam, beam_lm.")
    out[method] = [ALPHABET.decode(i) for i in ids]
  return out


def evaluate_split(config, model, params, split: str, workdir: str | None = None,
                   lm=None, log_prob_fn=None) -> dict[str, float]:
  """CER/WER of every decoding method on ``split``; writes ``transcripts_<split>.tsv``.

  Returns ``{"<split>_<method>_cer": ..., "<split>_<method>_wer": ...}``.
  """
  log_prob_fn = log_prob_fn or make_log_prob_fn(config, model)
  methods = decode_methods(config)
  _, _, texts = load_split(config, split, config.data.max_eval_examples)
  batches = _batches(config, split, config.train.eval_batch_size or config.train.batch_size,
                     shuffle=False, max_examples=config.data.max_eval_examples)
  hyps = {method: [""] * len(texts) for method in methods}
  for indices in batches.plan(0):
    log_probs, lengths = jax.device_get(log_prob_fn(params, batches.make_batch(indices)))
    decoded = decode_log_probs(log_probs[:len(indices)], lengths[:len(indices)], config, lm,
                               methods)
    for method, outputs in decoded.items():
      for i, text in zip(indices, outputs):
        hyps[method][i] = text
  report = {}
  for method in methods:
    report[f"{split}_{method}_cer"] = speech_metrics.cer(texts, hyps[method])
    report[f"{split}_{method}_wer"] = speech_metrics.wer(texts, hyps[method])
  if workdir is not None:
    path = os.path.join(workdir, f"transcripts_{split}.tsv")
    with open(path, "w") as f:
      f.write("\t".join(("reference",) + methods) + "\n")
      for i, text in enumerate(texts):
        f.write("\t".join([text] + [hyps[m][i] for m in methods]) + "\n")
  logging.info("%s: %s", split, " ".join(f"{k} {v:.4f}" for k, v in report.items()))
  return report


def make_log_prob_fn(config, model):
  """Jitted ``(params, batch) -> (log_probs [B, T', V], lengths [B])``."""

  del config

  @jax.jit
  def log_prob_fn(params, batch):
    logits, out_lengths = model.apply({"params": params}, batch["audio"], batch["num_samples"])
    return jax.nn.log_softmax(logits, axis=-1), out_lengths

  return log_prob_fn


@register_task
class CTCSpeechTask(Task):
  """Character CTC speech recognition; see the module docstring."""
  name = "ctc_speech"

  def default_config(self) -> ml_collections.ConfigDict:
    return ml_collections.ConfigDict(dict(data=default_data_config(),
                                          model=default_model_config()))

  def config_choices(self):
    return {**cell_config.config_choices(), "data.dataset": sources.DATASETS,
            "model.decoding.lm": LM_CHOICES}

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    data, model = config.data, config.model
    positive = {"data.num_mels": data.num_mels, "data.frame_stacking": data.frame_stacking,
                "data.bucket_seconds": data.bucket_seconds,
                "data.frame_length_ms": data.frame_length_ms,
                "data.frame_step_ms": data.frame_step_ms,
                "model.decoding.beam_width": model.decoding.beam_width,
                "model.decoding.lm_order": model.decoding.lm_order}
    for key, value in positive.items():
      if value <= 0:
        raise ValueError(f"config.{key} must be > 0, got {value!r}")
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
    return _batches(config, config.data.train_split, batch_size, shuffle=True,
                    seed=config.train.seed,
                    max_examples=config.data.max_train_examples, shard_index=shard_index,
                    shard_count=shard_count).iterator()

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    return iter(_batches(config, config.data.eval_split, batch_size, shuffle=False,
                         max_examples=config.data.max_eval_examples))

  def steps_per_epoch(self, config) -> int:
    return _batches(config, config.data.train_split, config.train.batch_size, shuffle=True,
                    max_examples=config.data.max_train_examples).num_batches

  # ---- model ----------------------------------------------------------------------

  def build_model(self, config) -> nn.Module:
    return builders.build_speech_recognizer(config)

  def init_params(self, model, config, batch, *, key) -> Any:
    return model.init({"params": key}, batch["audio"], batch["num_samples"])["params"]

  # ---- objective and metrics ------------------------------------------------------

  def _per_utterance(self, model, params, batch, *, key=None, train=False):
    rngs = {}
    if train:
      augment_key, dropout_key = jax.random.split(key)
      rngs = {"dropout": dropout_key, "spec_augment": augment_key}
    logits, out_lengths = model.apply({"params": params}, batch["audio"], batch["num_samples"],
                                      deterministic=not train, rngs=rngs)
    losses = ctc_model.ctc_loss(logits, out_lengths, batch["labels"], batch["label_lengths"],
                                blank_id=ALPHABET.blank_id)
    weights = (jnp.asarray(batch["num_samples"]) > 0).astype(jnp.float32)
    return logits, out_lengths, jnp.where(weights > 0, losses, 0.0), weights

  def loss(self, model, params, batch, carry, *, key, train):
    _, _, losses, weights = self._per_utterance(model, params, batch, key=key, train=train)
    loss = jnp.sum(losses) / jnp.maximum(jnp.sum(weights), 1.0)
    chars = jnp.maximum(jnp.sum(jnp.asarray(batch["label_lengths"])), 1).astype(jnp.float32)
    return loss, ({"loss": loss, "loss_per_char": jnp.sum(losses) / chars}, carry)

  def eval_metric_names(self, config):
    return ("loss", "loss_per_char", "cer")

  def eval_step(self, model, params, batch, carry):
    logits, out_lengths, losses, weights = self._per_utterance(model, params, batch)
    hyps, hyp_lengths = ctc_decoding.greedy_decode_padded(logits, out_lengths, ALPHABET.blank_id)
    distances = speech_metrics.edit_distances(hyps, hyp_lengths, batch["labels"],
                                              batch["label_lengths"])
    chars = jnp.sum(jnp.asarray(batch["label_lengths"])).astype(jnp.float32)
    sums = {"loss": (jnp.sum(losses), jnp.sum(weights)),
            "loss_per_char": (jnp.sum(losses), chars),
            "cer": (jnp.sum(distances * weights).astype(jnp.float32), chars)}
    return sums, carry

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    log_prob_fn = make_log_prob_fn(config, model)
    lm = fit_lm(config)
    report = {}
    for split in dict.fromkeys((config.data.eval_split, config.data.test_split)):
      report.update(evaluate_split(config, model, params, split, workdir, lm, log_prob_fn))
    return report
