"""Language modelling: next-token prediction, perplexity and bits per char (seed 003).

Data (``config.data``): a corpus from ``rnnlab.data.load_corpus`` (``dataset``: the embedded
``rnnlab_pydoc_prose``, ``tiny_shakespeare``, ``lm1b`` or ``files`` with ``path`` holding
PTB-layout ``train.txt``/``valid.txt``/``test.txt``), tokenized by characters or words
(``tokenizer``; the vocabulary comes from train and is saved as ``<workdir>/vocab.json``,
which ``rnnlab.sample`` reuses; a run dir holding a different vocabulary is refused).

Two training modes (``data.mode``):

* ``tbptt`` (truncated BPTT, Zaremba et al. 2014): the train split is one token stream cut
  into ``train.batch_size`` parallel streams and segments of ``data.seq_len`` steps
  (``rnnlab.data.TBPTTBatches``). The recurrent state of every layer is the task's carry:
  it is passed from one segment to the next with its gradient stopped, and zeroed on the
  first segment of each epoch (the batch's ``reset`` flag).
* ``sentences``: every line is a sequence ``[<eos>, tokens, <eos>]`` (character models use
  the newline as the delimiter), right-padded and masked, with full BPTT and a fresh zero
  state per sentence.

Evaluation: perplexity = exp(mean NLL per token) over the *whole* valid (during training)
or test split (``final_report``), every one of its N - 1 predictions scored exactly once,
with the state carried across the split in ``tbptt`` mode. Metrics: ``loss`` (nats per
token), ``perplexity``, ``bits_per_token``, ``bits_per_char`` (character models: the same
number), ``num_tokens`` (predictions scored).

Baseline: ``final_report`` fits an interpolated Kneser-Ney model of order
``data.ngram_order`` on the same train tokens and scores valid and test as one stream each
(``rnnlab.baselines.KneserNeyLM``), reported beside the RNN's figures as ``ngram_*``.

Loss scale: ``model.loss_reduction="mean"`` minimizes the mean NLL per token;
``"sum_over_time"`` sums over the T steps and averages over the batch rows, the
convention of Zaremba et al.'s code (and TensorFlow's PTB tutorial) for which their
learning rate of 1.0 was tuned. Logged metrics are per token either way.
"""
import functools
import math
from typing import Any, Iterable

from absl import logging
import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab import baselines
from rnnlab import data as data_lib
from rnnlab.data import vocabulary as vocabulary_lib
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import language_model
from rnnlab.models import losses
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, IndexedBatchIterator, Task

MODES = ("tbptt", "sentences")
TOKENIZERS = vocabulary_lib.KINDS
LOSS_REDUCTIONS = language_model.LOSS_REDUCTIONS
_LN2 = math.log(2.0)


def _nll(logits: jax.Array, targets: jax.Array, mask: jax.Array) -> jax.Array:
  """float32 [B, T]: -log p(target), zero where ``mask`` is 0 (selected, NaN-safe)."""
  return losses.token_nll(logits, targets, mask) * mask


@register_task
class LanguageModelTask(Task):
  """Next-token prediction over a text corpus; see the module docstring."""
  name = "language_model"

  # ---- configuration --------------------------------------------------------------

  def default_config(self) -> ml_collections.ConfigDict:
    model = cell_config.default_model_config()
    model.hidden_size = 200
    model.num_layers = 2
    model.embed_size = 0  # 0: the hidden size
    model.variational_dropout = False  # one dropout mask per sequence (Gal & Ghahramani)
    model.tie_weights = False  # softmax weights = embedding (needs embed_size == hidden)
    model.init_scale = 0.0  # > 0: every parameter ~ U(-s, s) (Zaremba: 0.1); 0: cell inits
    model.loss_reduction = "mean"  # or "sum_over_time" (Zaremba's loss scale)
    return ml_collections.ConfigDict(dict(
        data=dict(
            dataset="rnnlab_pydoc_prose",  # rnnlab.data.dataset_names()
            path="",  # dataset="files": folder with train.txt, valid.txt, test.txt
            data_dir="",  # TFDS data dir ("" = TFDS's default)
            max_documents=0,  # cap per split for TFDS datasets (0 = all)
            tokenizer="char",  # "char" or "word"
            max_vocab_size=0,  # words: keep the most frequent (0 = all)
            min_count=1,  # words: drop rarer ones (they become <unk>)
            mode="tbptt",  # "tbptt" or "sentences"
            seq_len=35,  # T: TBPTT segment length
            bucket_boundaries=(),  # sentences: padded lengths (() = longest in batch)
            ngram_order=5,  # Kneser-Ney baseline order
        ),
        model=model))

  def config_choices(self):
    return {**cell_config.config_choices(), "data.tokenizer": TOKENIZERS, "data.mode": MODES,
            "data.dataset": tuple(data_lib.dataset_names()),
            "model.loss_reduction": LOSS_REDUCTIONS}

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    d, m = config.data, config.model
    for key in ("seq_len", "ngram_order", "min_count"):
      if d[key] < 1:
        raise ValueError(f"config.data.{key} must be >= 1, got {d[key]!r}")
    for key in ("max_documents", "max_vocab_size"):
      if d[key] < 0:
        raise ValueError(f"config.data.{key} must be >= 0 (0 = no limit), got {d[key]!r}")
    if d.dataset == "files" and not d.path:
      raise ValueError("config.data.dataset='files' needs config.data.path: a folder with "
                       "train.txt, valid.txt and test.txt")
    if d.tokenizer == "char" and (d.max_vocab_size or d.min_count != 1):
      raise ValueError("config.data.max_vocab_size/min_count apply to the word tokenizer "
                       f"only; got tokenizer='char' with max_vocab_size={d.max_vocab_size}, "
                       f"min_count={d.min_count}")
    if m.embed_size < 0 or m.init_scale < 0:
      raise ValueError(f"config.model.embed_size and init_scale must be >= 0, got "
                       f"{m.embed_size!r} and {m.init_scale!r}")
    if m.tie_weights and m.embed_size not in (0, m.hidden_size):
      raise ValueError(f"config.model.tie_weights=True needs embed_size == hidden_size (or "
                       f"0), got embed_size={m.embed_size}, hidden_size={m.hidden_size}")
    cell_config.validate_model_config(m)

  def prepare_workdir(self, config, workdir) -> None:
    """Saves ``vocab.json``; a different vocabulary already there raises ValueError."""
    data_lib.save_tokenizer(data_lib.load_lm_data(config.data).tokenizer, workdir)

  # ---- data -----------------------------------------------------------------------

  def _train_source(self, config, global_batch: int):
    lm = data_lib.load_lm_data(config.data)
    if config.data.mode == "tbptt":
      return data_lib.TBPTTBatches(lm.ids["train"], global_batch, config.data.seq_len,
                                   name="train")
    return data_lib.lm_sentence_batches(config.data, lm, "train", global_batch, shuffle=True,
                                        seed=config.train.seed)

  def steps_per_epoch(self, config) -> int:
    source = self._train_source(config, config.train.batch_size)
    return source.num_segments if config.data.mode == "tbptt" else source.num_batches

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    """Epoch after epoch of the train split; this process's ``batch_size`` rows."""
    source = self._train_source(config, batch_size * shard_count)
    tbptt = config.data.mode == "tbptt"
    num_batches = source.num_segments if tbptt else source.num_batches
    rows = slice(shard_index * batch_size, (shard_index + 1) * batch_size)

    def batch_fn(position: int) -> Batch:
      epoch, index = divmod(position, num_batches)
      raw = source.batch(index, epoch)
      batch = {k: v[rows] for k, v in data_lib.lm_model_inputs(raw, False).items()}
      if tbptt:
        batch["reset"] = np.full((batch_size,), bool(raw["reset"]))
      return batch

    return IndexedBatchIterator(batch_fn)

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    return data_lib.lm_split_batches(config.data, "valid", batch_size=batch_size,
                                     seed=config.train.seed)

  # ---- model ----------------------------------------------------------------------

  def build_model(self, config) -> nn.Module:
    return builders.build_language_model(config.model,
                                         data_lib.load_lm_data(config.data).vocab_size)

  def init_params(self, model, config, batch, *, key) -> Any:
    params_key, uniform_key = jax.random.split(key)
    params = model.init({"params": params_key}, jnp.asarray(batch["inputs"]))["params"]
    if config.model.init_scale > 0:
      params = language_model.uniform_reinit(params, config.model.init_scale, key=uniform_key)
    return params

  def initial_carry(self, config, *, batch_size) -> Any:
    if config.data.mode != "tbptt":
      return None
    return language_model.initial_states(cell_config.make_cells(config.model), batch_size,
                                         block=config.model.block)

  # ---- objective and metrics ------------------------------------------------------

  def _forward(self, model, params, batch, carry, *, key=None, train=False):
    states = None
    if carry is not None:
      states = language_model.reset_states(carry, batch["reset"])
    rngs = {"dropout": key} if train and key is not None else {}
    final_states, logits = model.apply(
        {"params": params}, batch["inputs"], initial_states=states,
        lengths=batch.get("lengths"), deterministic=not train, rngs=rngs)
    nll = _nll(logits, batch["targets"], batch["mask"])
    new_carry = None if carry is None else jax.lax.stop_gradient(final_states)
    return nll, new_carry

  def loss(self, model, params, batch, carry, *, key, train):
    nll, new_carry = self._forward(model, params, batch, carry, key=key, train=train)
    per_token = jnp.sum(nll) / jnp.maximum(jnp.sum(batch["mask"]), 1.0)
    objective = language_model.training_objective(nll, batch["mask"], model.loss_reduction)
    return objective, ({"nll": per_token, "bits_per_token": per_token / _LN2}, new_carry)

  def eval_metric_names(self, config):
    char = ("bits_per_char",) if config.data.tokenizer == "char" else ()
    return ("loss", "num_tokens", "perplexity", "bits_per_token") + char

  def eval_step(self, model, params, batch, carry):
    nll, new_carry = self._forward(model, params, batch, carry)
    tokens = jnp.sum(batch["mask"])
    sums = {"loss": (jnp.sum(nll), tokens),
            "num_tokens": (tokens, jnp.sum(batch["first"]))}
    if "chars" in batch:
      sums["bits_per_char"] = (jnp.sum(nll) / _LN2, jnp.sum(batch["chars"]))
    return sums, new_carry

  def finalize_eval_metrics(self, metrics):
    metrics = dict(metrics)
    metrics["perplexity"] = math.exp(min(metrics["loss"], 700.0))
    metrics["bits_per_token"] = metrics["loss"] / _LN2
    return metrics

  def evaluate_split(self, config, model, params, split: str) -> dict[str, float]:
    """Metrics of the RNN over a whole split, state carried across it (``tbptt``)."""
    batch_size = config.train.eval_batch_size or config.train.batch_size
    step = jax.jit(functools.partial(self.eval_step, model))
    carry = self.initial_carry(config, batch_size=batch_size)
    totals = None
    for batch in data_lib.lm_split_batches(config.data, split, batch_size=batch_size,
                                           seed=config.train.seed):
      sums, carry = step(params, batch, carry)
      totals = sums if totals is None else jax.tree.map(lambda a, b: a + b, totals, sums)
    totals = jax.device_get(totals)
    return self.finalize_eval_metrics(
        {name: float(total) / float(count) for name, (total, count) in totals.items()})

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    """RNN and Kneser-Ney perplexity (and bits per char) on valid and test; token counts."""
    del workdir
    lm = data_lib.load_lm_data(config.data)
    char_level = config.data.tokenizer == "char"
    report = {"train_tokens": float(lm.ids["train"].shape[0] - 1),
              "vocab_size": float(lm.vocab_size)}
    for split in ("valid", "test"):
      for name, value in self.evaluate_split(config, model, params, split).items():
        report[f"{split}_{name}"] = value
    ngram = baselines.KneserNeyLM.fit(lm.ids["train"], lm.vocab_size,
                                      order=config.data.ngram_order)
    for split in ("valid", "test"):
      score = ngram.evaluate(lm.ids[split])
      report[f"ngram_{split}_perplexity"] = score["perplexity"]
      report[f"ngram_{split}_bits_per_token"] = score["bits_per_token"]
      if char_level:
        report[f"ngram_{split}_bits_per_char"] = score["bits_per_token"]
    report["ngram_order"] = float(config.data.ngram_order)
    unit = "bits_per_char" if char_level else "perplexity"
    for split in ("valid", "test"):
      logging.info("%s %s: rnn %.4f vs %d-gram Kneser-Ney %.4f (%d tokens)", split, unit,
                   report[f"{split}_{unit}"], config.data.ngram_order,
                   report[f"ngram_{split}_{unit}"], report[f"{split}_num_tokens"])
    return report

