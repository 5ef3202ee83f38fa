"""Sentence classification (many-to-one; seed 002): one label per text.

Model (:class:`rnnlab.models.TextClassifier`): word embeddings -> any registered cell
(``model.cell``, ``model.num_layers``, ``model.bidirectional``) -> pooling over time
(``model.pooling``: ``last``, ``mean``, ``max``, ``attention``) -> softmax over the classes.
Data (``data.dataset``, :mod:`rnnlab.data.classification`): the embedded
``rnnlab_doc_subjects`` (default), TSV files under ``data.path``, or the public TFDS sets
``imdb_reviews``, ``glue/sst2``, ``ag_news_subset`` (prepared in ``data.data_dir``). The word
vocabulary comes from the train split (``data.vocab_size``, ``data.min_count``) and is saved
as ``vocab.json`` in the run directory; texts are cut to ``data.max_length`` tokens.

Evaluation (validation split): ``loss`` (nats per example), ``accuracy``, ``macro_f1``. The
final report evaluates the test split: the same three plus ``macro_precision`` and
``macro_recall`` (``test_*`` in ``final_metrics.json``), and writes
``classification_report_test.json`` (per-class precision/recall/F1/support and the
confusion matrix), ``confusion_matrix_test.png`` and, with attention pooling,
``attention_weights_test.png`` (the weights over the tokens of a few test sentences).
"""
import functools
import json
import os
from typing import Any

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax

from rnnlab.data import tokenizers
from rnnlab.data.classification import batching, doc_subjects, sources
from rnnlab.metrics import classification as metrics
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import classifier
from rnnlab.nn import pooling
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import IndexedBatchIterator, Task

NUM_PLOTTED_SENTENCES = 4


@functools.lru_cache(maxsize=8)
def _split(dataset, split, data_dir, path, max_examples) -> sources.LabelledTexts:
  return sources.load_split(dataset, split, data_dir=data_dir or None, path=path,
                            max_examples=max_examples)


def load_split(config, split: str) -> sources.LabelledTexts:
  d = config.data
  limit = d.max_train_examples if split == "train" else d.max_eval_examples
  return _split(d.dataset, split, d.data_dir, d.path, limit)


def tokenizer_of(config):
  """The word tokenizer fitted on the train split (cached per data config)."""
  d = config.data
  return _tokenizer(d.dataset, d.data_dir, d.path, d.max_train_examples, d.vocab_size, d.min_count)


@functools.lru_cache(maxsize=8)
def _tokenizer(dataset, data_dir, path, max_examples, vocab_size, min_count):
  train = _split(dataset, "train", data_dir, path, max_examples)
  return batching.fit_tokenizer(train.texts, max_size=vocab_size or None, min_count=min_count)


def encoded_split(config, split: str) -> tuple[list[np.ndarray], np.ndarray]:
  data = load_split(config, split)
  return batching.encode_texts(tokenizer_of(config), data.texts, config.data.max_length), data.labels


@register_task
class ClassificationTask(Task):
  """Classify each text; see the module docstring."""
  name = "classification"

  def default_config(self) -> ml_collections.ConfigDict:
    model = cell_config.default_model_config()
    model.update(dict(embed_size=128, bidirectional=False, pooling="last", attention_size=64))
    return ml_collections.ConfigDict(dict(
        data=dict(dataset=doc_subjects.NAME, path="", data_dir="", max_length=128,
                  vocab_size=20_000, min_count=1, max_train_examples=0, max_eval_examples=0),
        model=model))

  def config_choices(self):
    return {**cell_config.config_choices(), "model.pooling": pooling.METHODS, "data.dataset": sources.DATASETS}

  def validate_config(self, config) -> None:
    d, m = config.data, config.model
    for key, least in (("max_length", 1), ("min_count", 1), ("vocab_size", 0),
                       ("max_train_examples", 0), ("max_eval_examples", 0)):
      if d[key] < least:
        raise ValueError(f"config.data.{key} must be >= {least}, got {d[key]!r}")
    for key in ("embed_size", "attention_size"):
      if m[key] < 1:
        raise ValueError(f"config.model.{key} must be >= 1, got {m[key]!r}")
    if d.dataset == "files" and not d.path:
      raise ValueError("config.data.dataset='files' needs config.data.path (a folder with "
                       "train.tsv, validation.tsv, test.tsv)")
    cell_config.validate_model_config(m)

  def eval_metric_names(self, config):
    return metrics.EVAL_METRIC_NAMES

  def prepare_workdir(self, config, workdir) -> None:
    tokenizers.save_tokenizer(tokenizer_of(config), workdir)

  def steps_per_epoch(self, config) -> int:
    return len(load_split(config, "train")) // config.train.batch_size

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    ids, labels = encoded_split(config, "train")
    return IndexedBatchIterator(lambda position: batching.train_batch(
        ids, labels, position=position, batch_size=batch_size, max_length=config.data.max_length,
        seed=config.train.seed, shard_index=shard_index, shard_count=shard_count))

  def eval_batches(self, config, *, batch_size, split="validation"):
    ids, labels = encoded_split(config, split)
    return batching.eval_batches(ids, labels, batch_size=batch_size,
                                 max_length=config.data.max_length)

  def build_model(self, config) -> classifier.TextClassifier:
    return builders.build_text_classifier(
        config.model, vocab_size=tokenizer_of(config).vocab_size,
        num_classes=len(load_split(config, "train").class_names))

  def init_params(self, model, config, batch, *, key) -> Any:
    return model.init({"params": key}, jnp.asarray(batch["tokens"]),
                      jnp.asarray(batch["lengths"]))["params"]

  def _logits(self, model, params, batch, *, key=None, train=False):
    rngs = {"dropout": key} if key is not None else {}
    return model.apply({"params": params}, batch["tokens"], batch["lengths"],
                       deterministic=not train, rngs=rngs)

  def loss(self, model, params, batch, carry, *, key, train):
    logits, _ = self._logits(model, params, batch, key=key, train=train)
    loss = jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, batch["labels"]))
    accuracy = jnp.mean(jnp.argmax(logits, axis=-1) == batch["labels"])
    return loss, ({"accuracy": accuracy}, carry)

  def eval_step(self, model, params, batch, carry):
    logits, _ = self._logits(model, params, batch)
    return metrics.eval_sums(logits, batch["labels"], batch["weights"], model.num_classes), carry

  def finalize_eval_metrics(self, metrics_):
    return metrics.finalize_eval_metrics(metrics_)

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    """Test-split metrics and the report files of the module docstring."""
    names = load_split(config, "train").class_names
    apply = jax.jit(lambda p, b: self._logits(model, p, b))
    batch_size = config.train.eval_batch_size or config.train.batch_size
    labels, predictions = metrics.collect_predictions(
        lambda b: apply(params, b)[0], self.eval_batches(config, batch_size=batch_size,
                                                         split="test"))
    report = metrics.classification_report(labels, predictions, names)
    with open(os.path.join(workdir, "classification_report_test.json"), "w",
              encoding="utf-8") as f:
      json.dump({"class_names": list(names), **report}, f, indent=1)
    from rnnlab.metrics import classification_plots  # pylint: disable=import-outside-toplevel
    classification_plots.plot_confusion_matrix(
        report["confusion_matrix"], names, os.path.join(workdir, "confusion_matrix_test.png"))
    if config.model.pooling == "attention":
      self._plot_attention(config, apply, params, names, workdir)
    return {f"test_{k}": v for k, v in report.items() if isinstance(v, float)}

  def _plot_attention(self, config, apply, params, names, workdir) -> None:
    ids, labels = encoded_split(config, "test")
    first_of_class = {}  # the first test sentence of 6-24 tokens of each class, in class order
    for i, x in enumerate(ids):
      if 6 <= x.shape[0] <= 24:
        first_of_class.setdefault(int(labels[i]), i)
    rows = [first_of_class[k] for k in sorted(first_of_class)][:NUM_PLOTTED_SENTENCES]
    rows = rows or list(range(min(NUM_PLOTTED_SENTENCES, len(ids))))
    batch = batching.make_batch(ids, labels, np.array(rows), len(rows), config.data.max_length)
    logits, weights = jax.device_get(apply(params, batch))
    vocab = tokenizer_of(config).vocabulary.tokens
    from rnnlab.metrics import classification_plots  # pylint: disable=import-outside-toplevel
    classification_plots.plot_attention_weights(
        [[vocab[t] for t in ids[i]] for i in rows],
        [weights[j, :ids[i].shape[0]] for j, i in enumerate(rows)],
        os.path.join(workdir, "attention_weights_test.png"),
        titles=[f"true: {names[labels[i]]}   predicted: {names[int(logits[j].argmax())]}"
                for j, i in enumerate(rows)])
