"""Translation (seeds 000-002): encoder-decoder with or without attention, BLEU.

Data: ``data.dataset`` is the embedded English -> French corpus ``rnnlab_en_fr_catalogs``
(real software messages from gettext catalogs of pinned Python packages, built offline on first
use, about 20 s; ``rnnlab_en_fr_catalogs/system`` uses the machine's own catalogs),
``rnnlab_en_fr_numbers`` (numbers, quantities and dates written out, generated), ``files``
(your own line-aligned ``train|valid|test.<source_lang|target_lang>`` files in ``data.path``)
or a prepared public TFDS set (``ted_hrlr_translate/pt_to_en``, ``wmt14_translate/de-en``; see
``rnnlab.data.translation.sources``). Tokenizers (word level, or SentencePiece subwords with
``data.tokenizer="subword"``) are built from the training split and saved in the workdir as
``source_tokenizer.json`` / ``target_tokenizer.json``; ``rnnlab.translate`` reuses them.
Pairs longer than ``data.max_source_length`` / ``data.max_target_length`` (EOS included) are
left out of training and evaluation (their count is logged). Batches are padded to length
buckets (``data.bucket_boundaries``), one compilation per bucket.

Model: :class:`rnnlab.models.seq2seq.Seq2Seq`; ``model.attention`` is "none" (final encoder
state as the context vector), "additive" (Bahdanau) or "dot"/"general" (Luong, with input
feeding). Training: teacher forcing, token-level cross-entropy (nats per target token, EOS
included).

Metrics: eval reports ``loss``, ``token_accuracy`` (teacher forced) and ``exact_match`` of
greedy decoding (ids, inside the jitted eval step). ``final_report`` decodes the validation
and test splits greedily and with beam search (``model.decoding``), scores sacrebleu corpus
BLEU on detokenised text, exact match and BLEU per source-length bucket
(``data.length_bucket_edges``), and writes ``translations_<split>.tsv`` and
``bleu_by_length_<split>.json`` into the workdir.
"""
import math
import os
from typing import Any, Iterable

import flax.linen as nn
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab import cells
from rnnlab.data import translation as data_lib
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import losses
from rnnlab.models import seq2seq
from rnnlab.models import seq2seq_decoding
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, IndexedBatchIterator, Task

SOURCE_TOKENIZER_FILE = data_lib.tokenizers.SOURCE_TOKENIZER_FILE
TARGET_TOKENIZER_FILE = data_lib.tokenizers.TARGET_TOKENIZER_FILE
TOKENIZERS = ("word", "subword")
SPLITS = data_lib.sources.SPLITS


def default_data_config() -> ml_collections.ConfigDict:
  return ml_collections.ConfigDict(dict(
      dataset="rnnlab_en_fr_catalogs",  # | "rnnlab_en_fr_numbers[/tiny]" | "files" | public
      data_dir="",  # TFDS data folder; "" = TFDS's default (~/tensorflow_datasets)
      path="",  # dataset "files": the folder of train/valid/test.<source_lang|target_lang>
      source_lang="",  # "" = the dataset's supervised keys (required for "files")
      target_lang="",
      tokenizer="word",  # "word" | "subword" (SentencePiece unigram)
      source_vocab_size=0,  # 0 = every training piece (word); required for subword
      target_vocab_size=0,
      max_source_length=64,  # tokens; longer pairs are left out, longer inputs rejected
      max_target_length=72,  # tokens including EOS; also the decoding limit
      bucket_boundaries=(16, 32, 48, 72),  # padded lengths (>= both limits at the end)
      max_train_examples=0,  # 0 = all
      max_eval_examples=0,  # validation examples used by eval and the final report
      max_test_examples=0,
      eval_split="validation",
      test_split="test",
      length_bucket_edges=(0, 10, 20, 30, 40),  # BLEU by source length: [0,10), ..., [40,inf)
  ))


def default_model_config() -> ml_collections.ConfigDict:
  """``cell`` (both sides), ``dtype``, one section per registered cell, and the seq2seq keys."""
  config = cell_config.cell_config()
  config.update(dict(
      embed_size=64,
      encoder_cell="",  # "" = model.cell; a registered cell name for a different encoder
      encoder_hidden_size=64,
      encoder_layers=1,
      bidirectional=True,
      decoder_cell="",  # "" = model.cell
      decoder_hidden_size=128,
      attention="additive",  # "none" | "additive" | "dot" | "general"
      attention_size=128,  # additive attention's hidden size
      input_feeding=True,  # Luong attention only
      dropout_rate=0.0,
      block="none",  # encoder blocks: rnnlab.nn.BLOCKS
      decoding=dict(beam_size=5, length_penalty=0.6),
  ))
  return config


def _token_losses(model, params, batch, *, key=None, train=False):
  rngs = {"dropout": key} if train else {}
  logits, _ = model.apply({"params": params}, batch["source"], batch["source_length"],
                          batch["target_input"], deterministic=not train, rngs=rngs)
  target = jnp.asarray(batch["target_output"])
  weights = jnp.asarray(batch["target_mask"]) * jnp.asarray(batch["weight"])[:, None]
  nll = losses.token_nll(logits, target, weights)  # padding selected away (NaN-safe)
  correct = (jnp.argmax(logits, axis=-1) == target).astype(jnp.float32)
  return nll, correct, weights


@register_task
class TranslationTask(Task):
  """Sequence-to-sequence translation; see the module docstring."""
  name = "translation"

  def default_config(self) -> ml_collections.ConfigDict:
    return ml_collections.ConfigDict(dict(data=default_data_config(),
                                          model=default_model_config()))

  def config_choices(self):
    choices = cell_config.config_choices()
    del choices["model.impl"]  # the decoder steps token by token; the encoder uses "auto"
    return {**choices, "data.tokenizer": TOKENIZERS, "data.eval_split": SPLITS,
            "data.test_split": SPLITS, "model.encoder_cell": ("",) + tuple(cells.CELLS),
            "model.decoder_cell": ("",) + tuple(cells.CELLS),
            "model.attention": seq2seq.ATTENTIONS}

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    d, m = config.data, config.model
    positive = {"data.max_source_length": d.max_source_length,
                "data.max_target_length": d.max_target_length,
                "model.embed_size": m.embed_size,
                "model.encoder_hidden_size": m.encoder_hidden_size,
                "model.encoder_layers": m.encoder_layers,
                "model.decoder_hidden_size": m.decoder_hidden_size,
                "model.attention_size": m.attention_size,
                "model.decoding.beam_size": m.decoding.beam_size}
    for key, value in positive.items():
      if value < 1:
        raise ValueError(f"config.{key} must be >= 1, got {value!r}")
    for key in ("max_train_examples", "max_eval_examples", "max_test_examples",
                "source_vocab_size", "target_vocab_size"):
      if d[key] < 0:
        raise ValueError(f"config.data.{key} must be >= 0, got {d[key]!r}")
    if d.tokenizer == "subword" and (d.source_vocab_size < 8 or d.target_vocab_size < 8):
      raise ValueError("config.data.tokenizer='subword' needs source_vocab_size and "
                       "target_vocab_size >= 8")
    bounds = tuple(d.bucket_boundaries)
    if not bounds or list(bounds) != sorted(set(bounds)) or bounds[0] < 1:
      raise ValueError(f"config.data.bucket_boundaries must be increasing positive ints, got "
                       f"{bounds!r}")
    if bounds[-1] < max(d.max_source_length, d.max_target_length):
      raise ValueError(f"config.data.bucket_boundaries end at {bounds[-1]} but the length "
                       f"limits are {d.max_source_length} / {d.max_target_length}; the last "
                       "boundary must be >= both")
    edges = tuple(d.length_bucket_edges)
    if not edges or list(edges) != sorted(set(edges)):
      raise ValueError(f"config.data.length_bucket_edges must be increasing, got {edges!r}")
    if m.decoding.length_penalty < 0:
      raise ValueError(f"config.model.decoding.length_penalty must be >= 0, got "
                       f"{m.decoding.length_penalty!r}")
    if not 0.0 <= m.dropout_rate < 1.0:
      raise ValueError(f"config.model.dropout_rate must be in [0, 1), got {m.dropout_rate!r}")
    encoder_cell, decoder_cell = builders.seq2seq_cells(m)
    cell_config.validate_cell(m, encoder_cell, m.encoder_hidden_size)
    cell_config.validate_cell(m, decoder_cell, m.decoder_hidden_size)
    if m.attention == "dot":
      memory = m.encoder_hidden_size * (2 if m.bidirectional else 1)
      if memory != m.decoder_hidden_size:
        raise ValueError(
            f"config.model.attention='dot' needs decoder_hidden_size == encoder memory size "
            f"({m.encoder_hidden_size} x {2 if m.bidirectional else 1} = {memory}); got "
            f"{m.decoder_hidden_size}. Use attention='general' or change the sizes.")

  def prepare_workdir(self, config, workdir) -> None:
    """Saves the tokenizers; different ones already there raise ValueError."""
    data = data_lib.load_translation_data(config.data)
    for name, tok in ((SOURCE_TOKENIZER_FILE, data.source_tokenizer),
                      (TARGET_TOKENIZER_FILE, data.target_tokenizer)):
      path = os.path.join(workdir, name)
      if os.path.exists(path):
        existing = data_lib.load_tokenizer(path)
        same = (existing.kind == tok.kind and existing.vocab_size == tok.vocab_size and all(
            existing.decode([i]) == tok.decode([i]) for i in range(4, tok.vocab_size)))
        if not same:
          raise ValueError(f"{path} holds a different tokenizer than this config builds; "
                           "use a new workdir")
      else:
        tok.save(path)

  # ---- data -----------------------------------------------------------------------

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    enc = data_lib.load_translation_data(config.data).encoded("train")
    if shard_count > 1:
      keep = np.arange(len(enc))[shard_index::shard_count]
      enc = data_lib.EncodedPairs(tuple(enc.sources[i] for i in keep),
                                  tuple(enc.targets[i] for i in keep), enc.indices[keep])
    batches = data_lib.BucketedBatches(enc, batch_size, tuple(config.data.bucket_boundaries),
                                       seed=config.train.seed)
    return IndexedBatchIterator(batches)

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    enc = data_lib.load_translation_data(config.data).encoded(config.data.eval_split)
    return data_lib.evaluation_batches(enc, batch_size, tuple(config.data.bucket_boundaries))

  def steps_per_epoch(self, config) -> int:
    enc = data_lib.load_translation_data(config.data).encoded("train")
    return data_lib.BucketedBatches(enc, config.train.batch_size,
                                    tuple(config.data.bucket_boundaries),
                                    seed=0).batches_per_epoch

  # ---- model ----------------------------------------------------------------------

  def build_model(self, config) -> nn.Module:
    data = data_lib.load_translation_data(config.data)
    return builders.build_seq2seq(config.model, data.source_tokenizer.vocab_size,
                                  data.target_tokenizer.vocab_size)

  def init_params(self, model, config, batch, *, key) -> Any:
    return model.init({"params": key}, batch["source"], batch["source_length"],
                      batch["target_input"])["params"]

  # ---- objective and metrics ------------------------------------------------------

  def loss(self, model, params, batch, carry, *, key, train):
    nll, correct, weights = _token_losses(model, params, batch, key=key, train=train)
    tokens = jnp.maximum(jnp.sum(weights), 1.0)
    loss = jnp.sum(nll * weights) / tokens
    return loss, ({"token_accuracy": jnp.sum(correct * weights) / tokens}, carry)

  def eval_metric_names(self, config):
    return ("loss", "token_accuracy", "exact_match", "perplexity")

  def eval_step(self, model, params, batch, carry):
    nll, correct, weights = _token_losses(model, params, batch)
    tokens, _ = seq2seq_decoding.translate_batch(
        model, params, batch, method="greedy", beam_size=1, length_penalty=0.0,
        max_length=batch["target_output"].shape[1])
    # Both hold y_1 .. y_n EOS then PAD, so equal rows are exact matches.
    same = jnp.all(tokens == jnp.asarray(batch["target_output"]), axis=1).astype(jnp.float32)
    example_weight = jnp.asarray(batch["weight"])
    sums = {"loss": (jnp.sum(nll * weights), jnp.sum(weights)),
            "token_accuracy": (jnp.sum(correct * weights), jnp.sum(weights)),
            "exact_match": (jnp.sum(same * example_weight), jnp.sum(example_weight))}
    return sums, carry

  def finalize_eval_metrics(self, metrics):
    metrics = dict(metrics)
    metrics["perplexity"] = math.exp(min(metrics["loss"], 50.0))
    return metrics

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    """BLEU, exact match and BLEU by source length of greedy and beam decoding on the eval
    and test splits; writes each split's translations and BLEU by length into ``workdir``."""
    data = data_lib.load_translation_data(config.data)
    batch_size = config.train.eval_batch_size or config.train.batch_size
    report = {}
    for split in dict.fromkeys((config.data.eval_split, config.data.test_split)):
      report.update(seq2seq_decoding.evaluate_split(config, model, params, data, split, workdir,
                                                    batch_size))
    return report
