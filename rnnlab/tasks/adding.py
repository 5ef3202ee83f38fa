"""The adding problem (Hochreiter & Schmidhuber 1997; the variant of Le et al. 2015).

Each example is a sequence of ``T = data.seq_len`` steps with 2 features: a number drawn
from U[0, 1] and a marker that is 1 at exactly two steps (one in the first half, one in the
second half) and 0 elsewhere. The target is the sum of the two marked numbers. The model
reads the whole sequence and regresses the sum from its last output.

Always answering 1.0 gives MSE = Var(U1 + U2) = 2/12 ~= 0.167 (the baseline); solving the
task means going well below it. Metrics: ``mse`` and ``accuracy`` (fraction of answers within
0.04 of the target, Hochreiter & Schmidhuber's criterion).

Data: batches are generated from ``(train.seed, shard, position)``, so the stream is
infinite and its position (the iterator state) is a single integer; the validation set is
``data.max_eval_examples`` examples generated from ``data.eval_seed``, the same for every run.
"""
from typing import Any, Iterable

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, IndexedBatchIterator, Task

BASELINE_MSE = 2.0 / 12.0  # always predicting 1.0
ACCURACY_TOLERANCE = 0.04
_TRAIN_STREAM, _EVAL_STREAM = 0, 1


def make_examples(rng: np.random.Generator, num_examples: int, seq_len: int) -> Batch:
  """``{"inputs": float32 [B, T, 2], "targets": float32 [B]}`` for the adding problem."""
  values = rng.uniform(0.0, 1.0, size=(num_examples, seq_len)).astype(np.float32)
  half = seq_len // 2
  first = rng.integers(0, half, size=num_examples)
  second = rng.integers(half, seq_len, size=num_examples)
  markers = np.zeros((num_examples, seq_len), np.float32)
  rows = np.arange(num_examples)
  markers[rows, first] = 1.0
  markers[rows, second] = 1.0
  targets = values[rows, first] + values[rows, second]
  return {"inputs": np.stack([values, markers], axis=-1), "targets": targets}


def _rng(*entropy: int) -> np.random.Generator:
  return np.random.default_rng(np.random.SeedSequence(list(entropy)))


@register_task
class AddingTask(Task):
  """Regress the sum of the two marked numbers; see the module docstring."""
  name = "adding"

  def default_config(self) -> ml_collections.ConfigDict:
    return ml_collections.ConfigDict(dict(
        data=dict(seq_len=100, max_eval_examples=1000, eval_seed=1234),
        model=cell_config.default_model_config()))

  def config_choices(self):
    return cell_config.config_choices()

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    if config.data.seq_len < 2:
      raise ValueError(f"config.data.seq_len must be >= 2 (two marked steps), got "
                       f"{config.data.seq_len!r}")
    if config.data.max_eval_examples < 1:
      raise ValueError(f"config.data.max_eval_examples must be >= 1, got "
                       f"{config.data.max_eval_examples!r}")
    cell_config.validate_model_config(config.model)

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    del shard_count
    seed, seq_len = config.train.seed, config.data.seq_len

    def batch_fn(position: int) -> Batch:
      return make_examples(_rng(seed, _TRAIN_STREAM, shard_index, position), batch_size,
                           seq_len)

    return IndexedBatchIterator(batch_fn)

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    # Whole batches only; max_eval_examples is rounded down to a multiple of batch_size.
    examples = make_examples(_rng(config.data.eval_seed, _EVAL_STREAM),
                             config.data.max_eval_examples, config.data.seq_len)
    for start in range(0, config.data.max_eval_examples - batch_size + 1, batch_size):
      yield {k: v[start:start + batch_size] for k, v in examples.items()}

  def build_model(self, config) -> nn.Module:
    return builders.build_recurrent_model(config.model, num_outputs=1, read_out="last")

  def init_params(self, model, config, batch, *, key) -> Any:
    return model.init({"params": key}, jnp.asarray(batch["inputs"]))["params"]

  def _predict(self, model, params, batch, *, key=None, train=False) -> jax.Array:
    rngs = {"dropout": key} if key is not None else {}
    return model.apply({"params": params}, batch["inputs"], deterministic=not train,
                       rngs=rngs)[:, 0]

  def loss(self, model, params, batch, carry, *, key, train):
    predictions = self._predict(model, params, batch, key=key, train=train)
    mse = jnp.mean(jnp.square(predictions - batch["targets"]))
    return mse, ({"mse": mse}, carry)

  def eval_metric_names(self, config):
    return ("loss", "mse", "accuracy", "mse_over_baseline")

  def eval_step(self, model, params, batch, carry):
    errors = self._predict(model, params, batch) - batch["targets"]
    count = jnp.asarray(errors.shape[0], jnp.float32)
    sums = {"loss": (jnp.sum(jnp.square(errors)), count),
            "mse": (jnp.sum(jnp.square(errors)), count),
            "accuracy": (jnp.sum(jnp.abs(errors) < ACCURACY_TOLERANCE), count)}
    return sums, carry

  def finalize_eval_metrics(self, metrics):
    metrics = dict(metrics)
    metrics["mse_over_baseline"] = metrics["mse"] / BASELINE_MSE
    return metrics
