"""Decoding and scoring a trained speech recogniser (CTC, LAS, joint): what
``rnnlab.tasks.ctc_speech`` (final report) and ``rnnlab.transcribe`` both call.

Decoders, named by the output they search (:data:`DECODERS`): ``ctc_greedy`` (best path),
``ctc_beam`` (prefix beam search), ``ctc_beam_lm`` (beam search with shallow fusion of a
character Kneser-Ney LM fitted on the training transcripts, ``model.decoding.lm``) on the
CTC head; ``attention_greedy`` and ``attention_beam`` (GNMT length normalisation
``model.decoding.length_penalty``) on the LAS decoder; ``joint_beam``, the attention beam's
n-best rescored by ``lambda * log P_ctc + (1 - lambda) * log P_att`` (``lambda =
model.decoding.ctc_weight``). Transcripts are scored with CER/WER (jiwer,
:mod:`rnnlab.metrics.speech`).
"""
import functools
import os

from absl import logging
import jax
import numpy as np

from rnnlab import decoding
from rnnlab.baselines import kneser_ney
from rnnlab.decoding import ctc as ctc_decoding
from rnnlab.metrics import speech as speech_metrics
from rnnlab.models import builders
from rnnlab.models import las
from rnnlab.models import speech_data

ALPHABET = builders.SPEECH_ALPHABET
LM_CHOICES = ("none", "kneser_ney")
# Decoders, named by the output they search: the CTC head's frames or the attention decoder.
CTC_DECODERS = ("ctc_greedy", "ctc_beam", "ctc_beam_lm")
ATTENTION_DECODERS = ("attention_greedy", "attention_beam")
DECODERS = CTC_DECODERS + ATTENTION_DECODERS + ("joint_beam",)
DEFAULT_DECODER = {"ctc": "ctc_beam", "las": "attention_beam", "joint": "joint_beam"}


def fit_lm(config) -> ctc_decoding.CharLM | None:
  """The character LM of ``config.model.decoding`` (None for ``lm="none"``).

  ``kneser_ney``: an interpolated Kneser-Ney model (``rnnlab.baselines``) of order
  ``lm_order`` fitted on the training transcripts, with the blank id as the sentence
  boundary (so an empty prefix conditions on "start of sentence").
  """
  decoding = config.model.decoding
  if decoding.lm == "none":
    return None
  _, labels, _ = speech_data.load_split(config, config.data.train_split,
                                        config.data.max_train_examples)
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
  beam_kwargs = dict(beam_size=decoding_config.beam_size, blank_id=ALPHABET.blank_id,
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
                           beam_size=dec.beam_size, alpha=dec.length_penalty,
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
  _, _, texts = speech_data.load_split(config, split, config.data.max_eval_examples)
  batches = speech_data.split_batches(
      config, split, config.train.eval_batch_size or config.train.batch_size, shuffle=False,
      max_examples=config.data.max_eval_examples)
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
