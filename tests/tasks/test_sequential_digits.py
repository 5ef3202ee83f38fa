"""Sequential / permuted digits: data, splits, batching, loss/metrics, a tiny run."""
import collections
import json
import os

import numpy as np
import pytest
from sklearn import datasets as sk_datasets

from rnnlab import training
from rnnlab.tasks import get_task
from rnnlab.tasks import sequential_digits as sd

TOL = dict(rtol=1e-5, atol=1e-5)


def _config(**data):
  config = training.base_config("sequential_digits")
  config.model.hidden_size = 8
  config.train.batch_size = 16
  for k, v in data.items():
    config.data[k] = v
  return config


def test_splits_are_disjoint_cover_everything_and_deterministic():
  splits = {s: sd.load_split(s) for s in sd.SPLITS}
  sizes = {s: b["labels"].shape[0] for s, b in splits.items()}
  assert sizes == {"train": 1293, "valid": 144, "test": 360}
  assert sum(sizes.values()) == 1797
  again = sd.load_split("test")
  np.testing.assert_array_equal(again["inputs"], splits["test"]["inputs"])
  # Disjoint: no image index is shared (compare via the raw index sets).
  index = sd._split_indices(0, 0.2, 0.1)
  all_index = np.concatenate([index[s] for s in sd.SPLITS])
  assert np.unique(all_index).shape[0] == 1797
  # Stratified: every class appears in the test split in (almost) its overall proportion.
  counts = np.bincount(splits["test"]["labels"], minlength=10)
  assert counts.min() >= 34 and counts.max() <= 38, counts
  other = sd._split_indices(1, 0.2, 0.1)["test"]
  assert not np.array_equal(other, index["test"])


def test_sequences_are_the_pixels_in_reading_order():
  raw = sk_datasets.load_digits()
  test = sd.load_split("test")
  first = sd._split_indices(0, 0.2, 0.1)["test"][0]
  assert test["inputs"].shape == (360, 64, 1) and test["inputs"].dtype == np.float32
  assert test["labels"].dtype == np.int32
  np.testing.assert_allclose(test["inputs"][0, :, 0], raw.images[first].reshape(64) / 16.0)
  assert test["labels"][0] == raw.target[first]
  assert 0.0 <= test["inputs"].min() and test["inputs"].max() <= 1.0


def test_permutation_is_fixed_by_its_seed_and_shared_by_all_splits():
  order = sd.pixel_order(True, permutation_seed=3)
  assert sorted(order.tolist()) == list(range(64))
  assert not np.array_equal(order, np.arange(64))
  np.testing.assert_array_equal(order, sd.pixel_order(True, permutation_seed=3))
  assert not np.array_equal(order, sd.pixel_order(True, permutation_seed=4))
  for split in ("train", "test"):
    plain = sd.load_split(split)
    permuted = sd.load_split(split, permuted=True, permutation_seed=3)
    np.testing.assert_array_equal(permuted["inputs"], plain["inputs"][:, order])
    np.testing.assert_array_equal(permuted["labels"], plain["labels"])


def test_bad_arguments_raise():
  with pytest.raises(ValueError, match="split='dev'"):
    sd.load_split("dev")
  with pytest.raises(ValueError, match="test_fraction=1.5"):
    sd.load_split("test", test_fraction=1.5)
  task = get_task("sequential_digits")
  config = _config(valid_fraction=0.0)
  with pytest.raises(ValueError, match="config.data.valid_fraction"):
    task.validate_config(config)
  config = _config()
  config.train.batch_size = 5000
  with pytest.raises(ValueError, match="batch_size=5000"):
    task.validate_config(config)


def test_padded_batches_cover_every_example_once():
  examples = sd.load_split("valid")  # 144 examples
  batches = list(sd.padded_batches(examples, 40))
  assert [b["inputs"].shape for b in batches] == [(40, 64, 1)] * 4
  weights = np.concatenate([b["weights"] for b in batches])
  assert weights.sum() == 144 and np.all(weights[144:] == 0.0)
  labels = np.concatenate([b["labels"] for b in batches])[:144]
  np.testing.assert_array_equal(labels, examples["labels"])


def test_train_iterator_epochs_and_resume():
  task = get_task("sequential_digits")
  config = _config()
  it = task.train_iterator(config, batch_size=16)
  per_epoch = task.steps_per_epoch(config)
  assert per_epoch == 1293 // 16
  epoch = [next(it) for _ in range(per_epoch)]
  labels = np.concatenate([b["labels"] for b in epoch])
  assert labels.shape == (per_epoch * 16,)
  # Each epoch draws without replacement: no image twice within an epoch.
  # (some images occur twice in the data, so compare multiplicities, not just uniqueness)
  available = collections.Counter(r.tobytes() for r in sd.load_split("train")["inputs"])
  drawn = collections.Counter(r.tobytes() for b in epoch for r in b["inputs"])
  assert all(n <= available[k] for k, n in drawn.items())
  state = it.get_state()
  expected = next(it)
  resumed = task.train_iterator(config, batch_size=16)
  resumed.set_state(state)
  np.testing.assert_array_equal(next(resumed)["inputs"], expected["inputs"])
  # Shards of one global batch are disjoint halves.
  a = next(iter(task.train_iterator(config, batch_size=8, shard_index=0, shard_count=2)))
  b = next(iter(task.train_iterator(config, batch_size=8, shard_index=1, shard_count=2)))
  np.testing.assert_array_equal(np.concatenate([a["labels"], b["labels"]]),
                                next(iter(task.train_iterator(config, batch_size=16)))["labels"])


@pytest.mark.slow  # three compilations of a 64-step scan
def test_loss_and_eval_metrics_match_a_direct_computation(key):
  task = get_task("sequential_digits")
  config = _config()
  model = task.build_model(config)
  batch = next(sd.padded_batches(sd.load_split("valid"), 16))
  batch["weights"][10:] = 0.0  # pretend the last 6 rows are padding
  params = task.init_params(model, config, batch, key=key)
  logits = np.asarray(model.apply({"params": params}, batch["inputs"]), np.float64)
  assert logits.shape == (16, 10)
  log_probs = logits - np.log(np.sum(np.exp(logits - logits.max(-1, keepdims=True)), -1,
                                     keepdims=True)) - logits.max(-1, keepdims=True)
  nll = -log_probs[np.arange(16), batch["labels"]]
  loss, (metrics, carry) = task.loss(model, params, batch, None, key=key, train=True)
  assert carry is None
  np.testing.assert_allclose(loss, nll.mean(), **TOL)
  correct = logits.argmax(-1) == batch["labels"]
  np.testing.assert_allclose(metrics["accuracy"], correct.mean(), **TOL)
  sums, _ = task.eval_step(model, params, batch, None)
  np.testing.assert_allclose(sums["loss"][0], nll[:10].sum(), rtol=1e-5, atol=1e-4)
  assert float(sums["loss"][1]) == 10.0
  assert float(sums["accuracy"][0]) == float(correct[:10].sum())


class _FixedLogits:
  """Stands in for the model: ``apply`` gives the same logits whatever the input."""

  def __init__(self, logits):
    self.logits = logits

  def apply(self, variables, inputs, **kwargs):
    del variables, inputs, kwargs
    return self.logits


def test_eval_sums_ignore_whatever_padding_rows_hold():
  # Issue 18 item 2, the same kind as the losses: padding rows were multiplied by weight 0, so
  # a NaN or inf logit there (or an out-of-range label) made both sums NaN.
  rng = np.random.default_rng(0)
  logits = rng.normal(size=(6, 10)).astype(np.float32)
  logits[4] = np.nan
  logits[5, 2] = np.inf
  batch = {"inputs": np.zeros((6, 64, 1), np.float32),
           "labels": np.array([3, 1, 4, 1, 99, -1], np.int32),
           "weights": np.array([1, 1, 1, 1, 0, 0], np.float32)}
  sums, carry = get_task("sequential_digits").eval_step(_FixedLogits(logits), None, batch, None)
  assert carry is None
  real = logits[:4].astype(np.float64)
  log_probs = real - np.log(np.exp(real).sum(-1, keepdims=True))
  np.testing.assert_allclose(sums["loss"][0], -log_probs[np.arange(4), [3, 1, 4, 1]].sum(),
                             **TOL)
  assert float(sums["accuracy"][0]) == float(np.sum(real.argmax(-1) == [3, 1, 4, 1]))
  assert float(sums["loss"][1]) == float(sums["accuracy"][1]) == 4.0


@pytest.mark.slow
def test_tiny_run_through_main(tmp_path):
  from configs import digits
  config = digits.get_config("debug")
  config.train.num_steps = 4
  config.train.eval_every = 4
  config.train.checkpoint_every = 4
  config.data.permuted = True
  workdir = str(tmp_path / "run")
  training.train_and_evaluate(config, workdir)
  with open(os.path.join(workdir, "final_metrics.json")) as f:
    final = json.load(f)
  assert set(final["final"]) == {"test_accuracy", "test_loss"}
  assert 0.0 <= final["final"]["test_accuracy"] <= 1.0
  assert np.isfinite(final["eval"]["loss"])
