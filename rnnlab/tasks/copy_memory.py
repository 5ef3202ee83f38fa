"""The copy-memory task (Hochreiter & Schmidhuber 1997; the setup of Arjovsky et al. 2016).

Alphabet: 0 = blank, 1..``num_symbols`` = symbols, ``num_symbols + 1`` = delimiter.
An input sequence of length ``T + 2 * copy_length`` (``T = data.delay``) is
``copy_length`` random symbols, ``T - 1`` blanks, the delimiter, then ``copy_length``
blanks; the target is ``T + copy_length`` blanks followed by the ``copy_length`` symbols.
The model must hold the symbols in memory across the delay and replay them.

Loss: cross-entropy per time step (nats), averaged over all ``T + 2 * copy_length`` steps.
The memoryless baseline (blanks, then uniform guesses) scores
``copy_length * log(num_symbols) / (T + 2 * copy_length)`` (Arjovsky et al. 2016), stored
as ``baseline_loss``; ``copy_accuracy`` is the fraction of recalled symbols right.
"""
import math
from typing import Any, Iterable

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax

from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, IndexedBatchIterator, Task

_TRAIN_STREAM, _EVAL_STREAM = 0, 1


def make_examples(rng: np.random.Generator, num_examples: int, *, delay: int,
                  copy_length: int, num_symbols: int) -> Batch:
  """``{"inputs": int32 [B, L], "targets": int32 [B, L]}``, ``L = delay + 2 * copy_length``."""
  length = delay + 2 * copy_length
  symbols = rng.integers(1, num_symbols + 1, size=(num_examples, copy_length))
  inputs = np.zeros((num_examples, length), np.int32)
  targets = np.zeros((num_examples, length), np.int32)
  inputs[:, :copy_length] = symbols
  inputs[:, copy_length + delay - 1] = num_symbols + 1  # the delimiter
  targets[:, -copy_length:] = symbols
  return {"inputs": inputs, "targets": targets}


def baseline_loss(*, delay: int, copy_length: int, num_symbols: int) -> float:
  """Cross-entropy per step (nats) of the best memoryless strategy."""
  return copy_length * math.log(num_symbols) / (delay + 2 * copy_length)


def _rng(*entropy: int) -> np.random.Generator:
  return np.random.default_rng(np.random.SeedSequence(list(entropy)))


@register_task
class CopyMemoryTask(Task):
  """Reproduce the first ``copy_length`` symbols after a delay; see the module docstring."""
  name = "copy_memory"

  def default_config(self) -> ml_collections.ConfigDict:
    return ml_collections.ConfigDict(dict(
        data=dict(delay=100, copy_length=10, num_symbols=8, max_eval_examples=1000, eval_seed=1234),
        model=cell_config.default_model_config()))

  def config_choices(self):
    return cell_config.config_choices()

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    for key in ("delay", "copy_length", "max_eval_examples"):
      if config.data[key] < 1:
        raise ValueError(f"config.data.{key} must be >= 1, got {config.data[key]!r}")
    if config.data.num_symbols < 2:
      raise ValueError(f"config.data.num_symbols must be >= 2, got {config.data.num_symbols!r}")
    cell_config.validate_model_config(config.model)

  def _examples(self, config, rng, num_examples) -> Batch:
    return make_examples(rng, num_examples, delay=config.data.delay,
                         copy_length=config.data.copy_length,
                         num_symbols=config.data.num_symbols)

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    del shard_count
    seed = config.train.seed
    return IndexedBatchIterator(lambda position: self._examples(
        config, _rng(seed, _TRAIN_STREAM, shard_index, position), batch_size))

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    # Whole batches only; max_eval_examples is rounded down to a multiple of batch_size.
    examples = self._examples(config, _rng(config.data.eval_seed, _EVAL_STREAM),
                              config.data.max_eval_examples)
    for start in range(0, config.data.max_eval_examples - batch_size + 1, batch_size):
      yield {k: v[start:start + batch_size] for k, v in examples.items()}

  def _vocab_size(self, config) -> int:
    return config.data.num_symbols + 2

  def build_model(self, config) -> nn.Module:
    return builders.build_recurrent_model(config.model, num_outputs=self._vocab_size(config),
                                          read_out="all")

  def _logits(self, model, params, inputs, *, key=None, train=False):
    """int32 [B, L] -> logits [B, L, V]."""
    rngs = {"dropout": key} if key is not None else {}
    one_hot = jax.nn.one_hot(inputs, model.num_outputs, dtype=jnp.float32)
    return model.apply({"params": params}, one_hot, deterministic=not train, rngs=rngs)

  def init_params(self, model, config, batch, *, key) -> Any:
    one_hot = jax.nn.one_hot(jnp.asarray(batch["inputs"]), self._vocab_size(config))
    return model.init({"params": key}, one_hot)["params"]

  def loss(self, model, params, batch, carry, *, key, train):
    logits = self._logits(model, params, batch["inputs"], key=key,
                          train=train)
    loss = jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, batch["targets"]))
    return loss, ({}, carry)

  def eval_metric_names(self, config):
    return ("loss", "copy_accuracy")

  def eval_step(self, model, params, batch, carry):
    logits = self._logits(model, params, batch["inputs"])
    targets = batch["targets"]
    per_step = optax.softmax_cross_entropy_with_integer_labels(logits, targets)
    recalled = targets > 0
    correct = (jnp.argmax(logits, axis=-1) == targets) & recalled
    sums = {"loss": (jnp.sum(per_step), jnp.asarray(per_step.size, jnp.float32)),
            "copy_accuracy": (jnp.sum(correct), jnp.sum(recalled))}
    return sums, carry
