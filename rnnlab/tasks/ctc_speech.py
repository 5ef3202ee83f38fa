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
``attention_greedy`` and ``attention_beam`` (beam ``model.decoding.beam_width``, GNMT
length normalisation ``model.decoding.length_penalty``); a joint model also with the CTC
decoders and ``joint_beam``, the attention beam's n-best rescored by ``lambda * log P_ctc +
(1 - lambda) * log P_att`` (``lambda = model.decoding.ctc_weight``). See
:data:`DECODERS`.

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
from rnnlab import decoding
from rnnlab.decoding import ctc as ctc_decoding
from rnnlab.metrics import speech as speech_metrics
from rnnlab.models import attention_decoder
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import ctc as ctc_model
from rnnlab.models import las
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, Task

ALPHABET = builders.SPEECH_ALPHABET
SAMPLE_RATE = sources.SAMPLE_RATE
LM_CHOICES = ("none", "kneser_ney")
ARCHITECTURES = builders.SPEECH_ARCHITECTURES
# Decoders, named by the output they search: the CTC head's frames or the attention decoder.
CTC_DECODERS = ("ctc_greedy", "ctc_beam", "ctc_beam_lm")
ATTENTION_DECODERS = ("attention_greedy", "attention_beam")
DECODERS = CTC_DECODERS + ATTENTION_DECODERS + ("joint_beam",)
DEFAULT_DECODER = {"ctc": "ctc_beam", "las": "attention_beam", "joint": "joint_beam"}
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
  config.architecture = "ctc"  # "ctc" | "las" | "joint" (LAS + CTC head, joint loss)
  config.ctc_weight = 0.3  # joint only: weight of the CTC loss (Kim et al. 2017's lambda)
  # The LAS speller (architectures las, joint): one cell of kind model.cell.
  config.decoder_hidden_size = 256
  config.embed_size = 32
  config.attention = "additive"  # rnnlab.models.attention_decoder.ATTENTIONS
  config.attention_size = 128
  config.decoding = dict(
      beam_width=8,  # CTC prefix beam and attention beam
      length_penalty=0.6,  # attention beam: GNMT alpha
      ctc_weight=0.3,  # joint_beam: lambda of lambda * log P_ctc + (1 - lambda) * log P_att
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


def has_ctc_outputs(config) -> bool:
  """Whether the model gives CTC frame posteriors (``ctc`` and ``joint``)."""
  return builders.speech_architecture(config.model) in ("ctc", "joint")


def has_attention_decoder(config) -> bool:
  """Whether the model has a LAS attention decoder (``las`` and ``joint``)."""
  return builders.speech_architecture(config.model) in ("las", "joint")


def decode_methods(config) -> tuple[str, ...]:
  """The decoders of ``config``'s architecture (``ctc_beam_lm`` only with an LM configured):
  ctc: ``ctc_greedy``, ``ctc_beam`` [, ``ctc_beam_lm``]; las: ``attention_greedy``,
  ``attention_beam``; joint: all of those and ``joint_beam``."""
  methods = ()
  if has_ctc_outputs(config):
    methods += ("ctc_greedy", "ctc_beam")
    methods += ("ctc_beam_lm",) if config.model.decoding.lm != "none" else ()
  if has_attention_decoder(config):
    methods += ATTENTION_DECODERS
  if builders.speech_architecture(config.model) == "joint":
    methods += ("joint_beam",)
  return methods


def check_decoder(config, method: str) -> None:
  """ValueError (one line) unless ``method`` is a decoder of ``config``'s architecture."""
  if method not in DECODERS:
    raise ValueError(f"unknown decoder {method!r}; allowed: {', '.join(DECODERS)}")
  if method == "ctc_beam_lm" and has_ctc_outputs(config):
    return
  allowed = decode_methods(config)
  if method not in allowed:
    raise ValueError(f"decoder {method!r} does not fit this run's model.architecture="
                     f"{builders.speech_architecture(config.model)!r}; allowed: "
                     f"{', '.join(allowed)}")


def default_decoder(config) -> str:
  """The decoder ``rnnlab.transcribe`` uses unless told: :data:`DEFAULT_DECODER` of the
  run's architecture."""
  return DEFAULT_DECODER[builders.speech_architecture(config.model)]


def decode_log_probs(log_probs, lengths, config, lm=None, methods=None
                     ) -> dict[str, list[str]]:
  """Transcripts of a batch of CTC log-probs ``[B, T, V]`` per CTC decoding method
  (default: ``ctc_greedy``, ``ctc_beam`` and, given an ``lm``, ``ctc_beam_lm``)."""
  decoding_config = config.model.decoding
  if methods is None:
    methods = CTC_DECODERS if lm is not None else CTC_DECODERS[:2]
  beam_kwargs = dict(beam_width=decoding_config.beam_width, blank_id=ALPHABET.blank_id,
                     prune_log_prob=decoding_config.prune_log_prob)
  out = {}
  for method in methods:
    if method == "ctc_greedy":
      ids = ctc_decoding.greedy_decode(log_probs, lengths, ALPHABET.blank_id)
    elif method == "ctc_beam":
      ids = ctc_decoding.beam_decode(log_probs, lengths, **beam_kwargs)
    elif method == "ctc_beam_lm":
      if lm is None:
        raise ValueError("decoding method 'ctc_beam_lm' needs a character LM "
                         "(config.model.decoding.lm).")
      ids = ctc_decoding.beam_decode(log_probs, lengths, lm=lm,
                                     lm_weight=decoding_config.lm_weight,
                                     insertion_bonus=decoding_config.insertion_bonus,
                                     **beam_kwargs)
    else:
      raise ValueError(f"Unknown CTC decoding method {method!r}; allowed: "
                       f"{', '.join(CTC_DECODERS)}.")
    out[method] = [ALPHABET.decode(i) for i in ids]
  return out


def decode_batch(config, model, params, batch, lm=None, methods=None,
                 log_prob_fn=None) -> dict[str, list[str]]:
  """Transcripts of one batch (``audio``, ``num_samples``) per decoding method of
  :data:`DECODERS` (default: :func:`decode_methods`); rows with ``num_samples == 0`` are
  decoded too (the caller drops them)."""
  methods = decode_methods(config) if methods is None else tuple(methods)
  for method in methods:
    check_decoder(config, method)
  out = {}
  ctc_methods = [m for m in methods if m in CTC_DECODERS]
  if ctc_methods:
    log_prob_fn = log_prob_fn or make_log_prob_fn(config, model)
    log_probs, lengths = jax.device_get(log_prob_fn(params, batch))
    out.update(decode_log_probs(log_probs, lengths, config, lm, ctc_methods))
  if "attention_greedy" in methods:
    encode_fn, step_fn = las.decoder_functions(model)
    static, carry, _, _ = encode_fn(params, batch["audio"], batch["num_samples"])
    result = decoding.greedy_search(
        step_fn, params, static, carry, bos_id=ALPHABET.blank_id, eos_id=ALPHABET.blank_id,
        max_length=int(static["memory"].shape[1]) + 1, pad_id=ALPHABET.blank_id)
    labels, label_lengths = jax.device_get(
        las.hypothesis_labels(result.tokens, result.lengths, ALPHABET.blank_id))
    out["attention_greedy"] = [ALPHABET.decode(label[:n])
                               for label, n in zip(labels, label_lengths)]
  beams = [m for m in methods if m in ("attention_beam", "joint_beam")]
  if beams:
    dec = config.model.decoding
    nbest = las.beam_nbest(model, params, batch["audio"], batch["num_samples"],
                           beam_size=dec.beam_width, alpha=dec.length_penalty,
                           boundary_id=ALPHABET.blank_id)
    for method in beams:
      weight = dec.ctc_weight if method == "joint_beam" else 0.0
      out[method] = [ALPHABET.decode(label) for label in las.best_hypotheses(nbest, weight)]
  return {method: out[method] for method in methods}


def evaluate_split(config, model, params, split: str, workdir: str | None = None,
                   lm=None, log_prob_fn=None) -> dict[str, float]:
  """CER/WER of every decoding method on ``split``; writes ``transcripts_<split>.tsv``.

  Returns ``{"<split>_<method>_cer": ..., "<split>_<method>_wer": ...}``.
  """
  methods = decode_methods(config)
  _, _, texts = load_split(config, split, config.data.max_eval_examples)
  batches = _batches(config, split, config.train.eval_batch_size or config.train.batch_size,
                     shuffle=False, max_examples=config.data.max_eval_examples)
  if has_ctc_outputs(config):
    log_prob_fn = log_prob_fn or make_log_prob_fn(config, model)
  hyps = {method: [""] * len(texts) for method in methods}
  for indices in batches.plan(0):
    decoded = decode_batch(config, model, params, batches.make_batch(indices), lm, methods,
                           log_prob_fn)
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
  """Jitted ``(params, batch) -> (CTC log_probs [B, T', V], lengths [B])`` (ctc, joint)."""
  if not has_ctc_outputs(config):
    raise ValueError(f"model.architecture={builders.speech_architecture(config.model)!r} has "
                     "no CTC outputs; CTC decoding needs 'ctc' or 'joint'")

  @jax.jit
  def log_prob_fn(params, batch):
    if builders.speech_architecture(config.model) == "ctc":
      logits, out_lengths = model.apply({"params": params}, batch["audio"],
                                        batch["num_samples"])
    else:
      _, _, logits, out_lengths = model.apply({"params": params}, batch["audio"],
                                              batch["num_samples"], method="encode")
    return jax.nn.log_softmax(logits, axis=-1), out_lengths

  return log_prob_fn


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
            "model.decoding.lm": LM_CHOICES, "model.architecture": ARCHITECTURES,
            "model.attention": attention_decoder.ATTENTIONS}

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
    if has_attention_decoder(config):
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
    log_prob_fn = make_log_prob_fn(config, model) if has_ctc_outputs(config) else None
    lm = fit_lm(config) if has_ctc_outputs(config) else None
    report = {}
    for split in dict.fromkeys((config.data.eval_split, config.data.test_split)):
      report.update(evaluate_split(config, model, params, split, workdir, lm, log_prob_fn))
    return report
