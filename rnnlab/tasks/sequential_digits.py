"""Sequential (and permuted) digits: many-to-one classification of 8x8 images read pixel by pixel.

The data are the 1,797 8x8 handwritten digits that scikit-learn ships
(``sklearn.datasets.load_digits``, no download). Each image becomes a sequence of
``T = 64`` steps with one feature, the pixel intensity scaled from 0..16 to [0, 1], read in
row-major order (``data.permuted=False``, the small cousin of sequential MNIST, Le et al.
2015) or in one fixed random order drawn from ``data.permutation_seed`` (``permuted=True``,
pMNIST), which scatters neighbouring pixels across the sequence so the model must carry
information over long distances. The model reads all 64 steps and classifies from its last
output (10 classes, softmax cross-entropy).

Splits (deterministic, stratified by class, from ``data.split_seed``): ``test`` is
``data.test_fraction`` of the images, ``valid`` is ``data.valid_fraction`` of the rest, and
``train`` the remainder (defaults: 1,293 / 144 / 360). Training evaluates on ``valid``;
``final_report`` evaluates the ``test`` split once (``test_accuracy``, ``test_loss``).
Every eval batch has the full batch size: the last one is padded and its padding carries
weight 0, so accuracies are exact over every example.

Metrics: ``loss`` (nats per example), ``accuracy``; chance is 0.1.
"""
import functools
from typing import Any, Iterable

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax
from sklearn import datasets as sk_datasets
from sklearn import model_selection

from rnnlab import metrics
from rnnlab.models import builders
from rnnlab.models import cell_config
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import Batch, IndexedBatchIterator, Task

NUM_CLASSES = 10
NUM_PIXELS = 64  # 8 x 8
MAX_INTENSITY = 16.0  # load_digits pixels are integers 0..16
SPLITS = ("train", "valid", "test")


def pixel_order(permuted: bool, permutation_seed: int) -> np.ndarray:
  """Reading order of the 64 pixels, ``int [64]``: row-major, or a fixed random permutation."""
  if not permuted:
    return np.arange(NUM_PIXELS)
  return np.random.default_rng(permutation_seed).permutation(NUM_PIXELS)


@functools.lru_cache(maxsize=None)
def _load_images() -> tuple[np.ndarray, np.ndarray]:
  digits = sk_datasets.load_digits()
  images = (digits.data.astype(np.float32) / MAX_INTENSITY)  # [N, 64] row-major, in [0, 1]
  return images, digits.target.astype(np.int32)


@functools.lru_cache(maxsize=None)
def _split_indices(split_seed: int, test_fraction: float, valid_fraction: float
                   ) -> dict[str, np.ndarray]:
  _, labels = _load_images()
  everything = np.arange(labels.shape[0])
  rest, test = model_selection.train_test_split(
      everything, test_size=test_fraction, random_state=split_seed, stratify=labels)
  train, valid = model_selection.train_test_split(
      rest, test_size=valid_fraction, random_state=split_seed + 1, stratify=labels[rest])
  return {"train": np.sort(train), "valid": np.sort(valid), "test": np.sort(test)}


def load_split(split: str, *, permuted: bool = False, permutation_seed: int = 0,
               split_seed: int = 0, test_fraction: float = 0.2, valid_fraction: float = 0.1
               ) -> Batch:
  """One split as sequences.

  Args:
    split: "train", "valid" or "test".
    permuted: read the pixels in the fixed random order of ``permutation_seed``.
    split_seed: seed of the stratified split (the same seed gives the same split).
    test_fraction, valid_fraction: see the module docstring.

  Returns:
    ``{"inputs": float32 [N, 64, 1] in [0, 1], "labels": int32 [N]}``.
  """
  if split not in SPLITS:
    raise ValueError(f"split={split!r}; allowed: {SPLITS}")
  for name, value in (("test_fraction", test_fraction), ("valid_fraction", valid_fraction)):
    if not 0.0 < value < 1.0:
      raise ValueError(f"{name}={value!r}; allowed: a fraction in (0, 1)")
  images, labels = _load_images()
  index = _split_indices(split_seed, test_fraction, valid_fraction)[split]
  pixels = images[index][:, pixel_order(permuted, permutation_seed)]
  return {"inputs": pixels[:, :, None], "labels": labels[index]}


def _split_from_config(config: ml_collections.ConfigDict, split: str) -> Batch:
  d = config.data
  return load_split(split, permuted=d.permuted, permutation_seed=d.permutation_seed,
                    split_seed=d.split_seed, test_fraction=d.test_fraction,
                    valid_fraction=d.valid_fraction)


def padded_batches(examples: Batch, batch_size: int) -> Iterable[Batch]:
  """Fixed-size batches over every example; the last is padded with weight-0 rows.

  Yields ``{"inputs" [B, 64, 1], "labels" [B], "weights" float32 [B]}``.
  """
  num = examples["labels"].shape[0]
  for start in range(0, num, batch_size):
    stop = min(start + batch_size, num)
    pad = batch_size - (stop - start)
    batch = {k: np.concatenate([v[start:stop], np.zeros((pad, *v.shape[1:]), v.dtype)])
             for k, v in examples.items()}
    batch["weights"] = np.concatenate([np.ones(stop - start, np.float32),
                                       np.zeros(pad, np.float32)])
    yield batch


def _rng(*entropy: int) -> np.random.Generator:
  return np.random.default_rng(np.random.SeedSequence(list(entropy)))


@register_task
class SequentialDigitsTask(Task):
  """Classify a digit from its 64 pixels read one per step; see the module docstring."""
  name = "sequential_digits"

  def default_config(self) -> ml_collections.ConfigDict:
    model = cell_config.default_model_config()
    model.hidden_size = 64
    return ml_collections.ConfigDict(dict(
        data=dict(permuted=False, permutation_seed=0, split_seed=0, test_fraction=0.2,
                  valid_fraction=0.1),
        model=model))

  def config_choices(self):
    return cell_config.config_choices()

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    for key in ("test_fraction", "valid_fraction"):
      value = config.data[key]
      if not 0.0 < value < 1.0:
        raise ValueError(f"config.data.{key} must be a fraction in (0, 1), got {value!r}")
    cell_config.validate_model_config(config.model)
    train_size = _split_from_config(config, "train")["labels"].shape[0]
    if config.train.batch_size > train_size:
      raise ValueError(f"config.train.batch_size={config.train.batch_size} exceeds the "
                       f"{train_size} training examples")

  def steps_per_epoch(self, config) -> int:
    return _split_from_config(config, "train")["labels"].shape[0] // config.train.batch_size

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    """Epochs of a fresh shuffle (seeded by ``train.seed`` and the epoch); remainder dropped."""
    train = _split_from_config(config, "train")
    num = train["labels"].shape[0]
    global_batch = batch_size * shard_count
    steps_per_epoch = num // global_batch
    if steps_per_epoch < 1:
      raise ValueError(f"global batch {global_batch} exceeds the {num} training examples")
    seed = config.train.seed

    def batch_fn(position: int) -> Batch:
      epoch, step = divmod(position, steps_per_epoch)
      order = _rng(seed, epoch).permutation(num)
      start = step * global_batch + shard_index * batch_size
      index = order[start:start + batch_size]
      return {k: v[index] for k, v in train.items()}

    return IndexedBatchIterator(batch_fn)

  def eval_batches(self, config, *, batch_size) -> Iterable[Batch]:
    return padded_batches(_split_from_config(config, "valid"), batch_size)

  def build_model(self, config) -> nn.Module:
    return builders.build_recurrent_model(config.model, num_outputs=NUM_CLASSES, read_out="last")

  def init_params(self, model, config, batch, *, key) -> Any:
    return model.init({"params": key}, jnp.asarray(batch["inputs"]))["params"]

  def _logits(self, model, params, batch, *, key=None, train=False) -> jax.Array:
    rngs = {"dropout": key} if key is not None else {}
    return model.apply({"params": params}, batch["inputs"], deterministic=not train, rngs=rngs)

  def loss(self, model, params, batch, carry, *, key, train):
    logits = self._logits(model, params, batch, key=key, train=train)
    loss = jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, batch["labels"]))
    accuracy = jnp.mean(jnp.argmax(logits, axis=-1) == batch["labels"])
    return loss, ({"accuracy": accuracy}, carry)

  def eval_metric_names(self, config):
    return ("loss", "accuracy")

  def eval_step(self, model, params, batch, carry):
    logits = self._logits(model, params, batch)
    return metrics.loss_and_accuracy_sums(logits, batch["labels"], batch["weights"]), carry

  def final_report(self, config, model, params, workdir) -> dict[str, float]:
    """Loss and accuracy on the test split (every example)."""
    del workdir
    eval_step = jax.jit(lambda p, b: self.eval_step(model, p, b, None)[0])
    totals = None
    batch_size = config.train.eval_batch_size or config.train.batch_size
    for batch in padded_batches(_split_from_config(config, "test"), batch_size):
      sums = eval_step(params, batch)
      totals = sums if totals is None else jax.tree.map(lambda a, b: a + b, totals, sums)
    totals = jax.device_get(totals)
    return {f"test_{name}": float(total) / float(count) for name, (total, count) in totals.items()}
