"""The adding problem: data as specified, the 0.167 baseline, deterministic resumable stream."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import config_validation
from rnnlab import tasks
from rnnlab import training
from rnnlab.tasks import adding


def _config(**data):
  config = training.base_config("adding")
  config.data.update(dict(seq_len=12, max_eval_examples=40, **data))
  config.model.hidden_size = 4
  config.train.batch_size = 8
  return config


def test_examples_have_two_markers_one_per_half_and_sum_targets():
  batch = adding.make_examples(np.random.default_rng(0), 500, 12)
  inputs, targets = batch["inputs"], batch["targets"]
  assert inputs.shape == (500, 12, 2) and inputs.dtype == np.float32
  markers = inputs[..., 1]
  assert (markers.sum(axis=1) == 2).all()
  assert (markers[:, :6].sum(axis=1) == 1).all() and (markers[:, 6:].sum(axis=1) == 1).all()
  np.testing.assert_allclose(targets, (inputs[..., 0] * markers).sum(axis=1), rtol=1e-6)
  assert ((inputs[..., 0] >= 0) & (inputs[..., 0] <= 1)).all()


def test_constant_one_baseline_is_one_sixth():
  targets = adding.make_examples(np.random.default_rng(1), 200_000, 10)["targets"]
  # Var(U1 + U2) = 1/6; sampling error of the mean square at n = 2e5 is ~5e-4.
  assert np.mean(np.square(targets - 1.0)) == pytest.approx(adding.BASELINE_MSE, abs=3e-3)


def test_train_stream_is_deterministic_and_resumes_at_its_position():
  task = tasks.get_task("adding")
  config = _config()
  first = task.train_iterator(config, batch_size=8)
  batches = [next(first) for _ in range(3)]
  assert not np.array_equal(batches[0]["inputs"], batches[1]["inputs"])
  resumed = task.train_iterator(config, batch_size=8)
  resumed.set_state({"position": 2})
  np.testing.assert_array_equal(next(resumed)["inputs"], batches[2]["inputs"])
  other_shard = task.train_iterator(config, batch_size=8, shard_index=1, shard_count=2)
  assert not np.array_equal(next(other_shard)["inputs"], batches[0]["inputs"])
  config.train.seed = 1
  assert not np.array_equal(next(task.train_iterator(config, batch_size=8))["inputs"],
                            batches[0]["inputs"])


def test_eval_set_is_fixed_whole_batches():
  task = tasks.get_task("adding")
  config = _config()
  eval_batches = list(task.eval_batches(config, batch_size=16))
  assert [b["inputs"].shape for b in eval_batches] == [(16, 12, 2)] * 2  # 40 -> 32 examples
  config.train.seed = 5  # the eval set does not depend on the run's seed
  np.testing.assert_array_equal(next(iter(task.eval_batches(config, batch_size=16)))["targets"],
                                eval_batches[0]["targets"])


@pytest.mark.parametrize("cell", ["lstm", "gru", "irnn"])
def test_model_loss_and_eval_metrics(cell):
  task = tasks.get_task("adding")
  config = _config()
  config.model.cell = cell
  config_validation.validate_config(config, num_devices=1)
  model = task.build_model(config)
  batch = next(task.train_iterator(config, batch_size=8))
  params = task.init_params(model, config, batch, key=jax.random.key(0))
  loss, (metrics, carry) = task.loss(model, params, batch, None, key=jax.random.key(1),
                                     train=True)
  assert carry is None and loss.shape == () and float(loss) == float(metrics["mse"])
  sums, _ = task.eval_step(model, params, batch, None)
  errors = np.asarray(task._predict(model, params, batch)) - batch["targets"]  # pylint: disable=protected-access
  np.testing.assert_allclose(float(sums["mse"][0]) / float(sums["mse"][1]),
                             np.mean(errors ** 2), rtol=1e-5)
  assert int(sums["accuracy"][0]) == int(np.sum(np.abs(errors) < 0.04))
  metrics = task.finalize_eval_metrics({"mse": 1 / 12, "loss": 1 / 12, "accuracy": 0.0})
  assert metrics["mse_over_baseline"] == pytest.approx(0.5)
  assert jnp.isfinite(loss)
