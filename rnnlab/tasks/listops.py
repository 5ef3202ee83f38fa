"""ListOps (Nangia & Bowman 2018, the Long Range Arena version): the value (0-9) of an expression.

Data: the embedded ``rnnlab_listops`` set (:mod:`rnnlab.data.listops`; ``data.config``:
``default`` = LRA 96k/2k/2k expressions of 501-1,999 tokens, ``small`` = 10k/1k/1k with the
same rules, ``tiny`` for tests), generated on first use in ``data.data_dir``.

Model (``model.encoder``):

* ``tree``: the binary Tree-LSTM (Tai et al. 2015; :class:`rnnlab.trees.NaryTreeLSTM`,
  arity 2, ``model.hidden_size``) over the LRA bracket structure of each expression
  (:func:`rnnlab.data.listops.bracket_tree`), softmax on the root
  (:class:`rnnlab.models.TreeClassifier`); it has no other cell: ``model.cell`` other than
  ``lstm`` is a ValueError (it would be ignored);
* ``sequence``: any registered cell (``model.cell``, ``model.num_layers``,
  ``model.bidirectional``) over the flat tokens, pooled (``model.pooling``) and classified
  (:class:`rnnlab.models.TextClassifier`).

Batches (:mod:`rnnlab.data.listops.batching`) are padded to the smallest power of two >= 16
tokens that fits each (``data.length_bucket=0``), or to ``data.length_bucket`` tokens
(and the tree rows that any batch of that length fits in) so that every batch has one shape
and each step compiles once (the ``debug`` config); an expression longer than it is an error.

Metrics: ``loss``, ``accuracy``, ``macro_f1`` on validation; the final report gives the test
split's ``test_accuracy`` and ``test_macro_f1``. The LRA paper's test accuracies are about
36-37% for Transformers and LSTMs (Tay et al. 2021, Table 1); the largest class (value 0,
fed by MIN and SM) holds about a fifth of the examples.
"""
import functools
from typing import Any

import jax
import jax.numpy as jnp
import ml_collections
import optax

from rnnlab.data.listops import batching, embedded, expressions
from rnnlab.metrics import classification as metrics
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.models import classifier
from rnnlab.nn import pooling
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import IndexedBatchIterator, Task

NUM_CLASSES = len(expressions.DIGITS)


@functools.lru_cache(maxsize=6)
def _examples(split, config_name, data_dir, max_examples):
  return batching.load_examples(split, config_name, data_dir or None, max_examples)


def examples(config, split: str):
  d = config.data
  limit = d.max_train_examples if split == "train" else d.max_eval_examples
  return _examples(split, d.config, d.data_dir, limit)


@register_task
class ListOpsTask(Task):
  """Predict the value of a ListOps expression; see the module docstring."""
  name = "listops"

  def default_config(self) -> ml_collections.ConfigDict:
    model = cell_config.default_model_config()
    model.update(dict(encoder="tree", embed_size=64, bidirectional=False, pooling="last",
                      attention_size=64))
    return ml_collections.ConfigDict(dict(
        data=dict(config="small", data_dir="", max_train_examples=0, max_eval_examples=0,
                  length_bucket=0),
        model=model))

  def config_choices(self):
    return {**cell_config.config_choices(), "model.pooling": pooling.METHODS, "model.encoder": batching.ENCODERS,
            "data.config": tuple(c.name for c in embedded.RnnlabListops.BUILDER_CONFIGS)}

  def validate_config(self, config) -> None:
    for key in ("max_train_examples", "max_eval_examples"):
      if config.data[key] < 0:
        raise ValueError(f"config.data.{key} must be >= 0 (0 = all), got {config.data[key]!r}")
    if config.data.length_bucket < 0:
      raise ValueError(f"config.data.length_bucket must be >= 0 (0 = per batch), got "
                       f"{config.data.length_bucket!r}")
    for key in ("embed_size", "attention_size"):
      if config.model[key] < 1:
        raise ValueError(f"config.model.{key} must be >= 1, got {config.model[key]!r}")
    cell_config.validate_model_config(config.model)
    if config.model.encoder == "tree" and config.model.cell != "lstm":
      # The tree encoder is the binary Tree-LSTM: another cell would be silently ignored.
      raise ValueError(f"config.model.cell={config.model.cell!r} is not used by "
                       f"config.model.encoder='tree' (the binary Tree-LSTM); allowed with it: "
                       f"config.model.cell='lstm', or config.model.encoder='sequence' for any cell")

  def eval_metric_names(self, config):
    return metrics.EVAL_METRIC_NAMES

  def steps_per_epoch(self, config) -> int:
    return len(examples(config, "train")[0]) // config.train.batch_size

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    ids, labels = examples(config, "train")
    return IndexedBatchIterator(lambda position: batching.train_batch(
        ids, labels, position=position, batch_size=batch_size, encoder=config.model.encoder,
        seed=config.train.seed, shard_index=shard_index, shard_count=shard_count,
        length_bucket=config.data.length_bucket))

  def eval_batches(self, config, *, batch_size, split="validation"):
    ids, labels = examples(config, split)
    return batching.eval_batches(ids, labels, batch_size=batch_size, encoder=config.model.encoder,
                                 length_bucket=config.data.length_bucket)

  def build_model(self, config):
    build = (builders.build_tree_classifier if config.model.encoder == "tree"
             else builders.build_text_classifier)
    return build(config.model, vocab_size=len(expressions.VOCAB), num_classes=NUM_CLASSES)

  def _logits(self, model, params, batch, *, key=None, train=False):
    if isinstance(model, classifier.TreeClassifier):
      return model.apply({"params": params}, batch["trees"])
    rngs = {"dropout": key} if key is not None else {}
    return model.apply({"params": params}, batch["tokens"], batch["lengths"],
                       deterministic=not train, rngs=rngs)[0]

  def init_params(self, model, config, batch, *, key) -> Any:
    if isinstance(model, classifier.TreeClassifier):
      return model.init({"params": key}, batch["trees"])["params"]
    return model.init({"params": key}, jnp.asarray(batch["tokens"]),
                      jnp.asarray(batch["lengths"]))["params"]

  def loss(self, model, params, batch, carry, *, key, train):
    logits = self._logits(model, params, batch, key=key, train=train)
    loss = jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, batch["labels"]))
    accuracy = jnp.mean(jnp.argmax(logits, axis=-1) == batch["labels"])
    return loss, ({"accuracy": accuracy}, carry)

  def eval_step(self, model, params, batch, carry):
    logits = self._logits(model, params, batch)
    return metrics.eval_sums(logits, batch["labels"], batch["weights"], NUM_CLASSES), carry

  def finalize_eval_metrics(self, metrics_):
    return metrics.finalize_eval_metrics(metrics_)

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    """Accuracy and macro-F1 on the test split (every example)."""
    del workdir
    apply = jax.jit(lambda p, b: self._logits(model, p, b))
    batch_size = config.train.eval_batch_size or config.train.batch_size
    labels, predictions = metrics.collect_predictions(
        lambda b: apply(params, b), self.eval_batches(config, batch_size=batch_size, split="test"))
    report = metrics.classification_report(labels, predictions, expressions.DIGITS)
    return {"test_accuracy": report["accuracy"], "test_macro_f1": report["macro_f1"]}
