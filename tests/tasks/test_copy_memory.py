"""The copy-memory task: sequence layout, baseline, metrics of a perfect answer."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import tasks
from rnnlab import training
from rnnlab.tasks import copy_memory


def test_layout_symbols_blanks_delimiter_and_targets():
  batch = copy_memory.make_examples(np.random.default_rng(0), 50, delay=7, copy_length=3,
                                    num_symbols=8)
  inputs, targets = batch["inputs"], batch["targets"]
  assert inputs.shape == targets.shape == (50, 13)
  assert ((inputs[:, :3] >= 1) & (inputs[:, :3] <= 8)).all()
  assert (inputs[:, 3:9] == 0).all() and (inputs[:, 9] == 9).all() and (inputs[:, 10:] == 0).all()
  assert (targets[:, :10] == 0).all()
  np.testing.assert_array_equal(targets[:, 10:], inputs[:, :3])


def test_baseline_loss_formula():
  # Arjovsky et al. 2016: 10 log 8 / (T + 20).
  assert copy_memory.baseline_loss(delay=100, copy_length=10, num_symbols=8) == pytest.approx(
      10 * math.log(8) / 120)


def test_model_loss_and_eval_metrics():
  task = tasks.get_task("copy_memory")
  config = training.base_config("copy_memory")
  config.data.update(dict(delay=4, copy_length=2, max_eval_examples=16))
  config.model.update(dict(cell="gru", hidden_size=4))
  model = task.build_model(config)
  batch = next(task.train_iterator(config, batch_size=8))
  params = task.init_params(model, config, batch, key=jax.random.key(0))
  loss, _ = task.loss(model, params, batch, None, key=jax.random.key(1), train=True)
  sums, _ = task.eval_step(model, params, batch, None)
  np.testing.assert_allclose(float(sums["loss"][0] / sums["loss"][1]), float(loss), rtol=1e-5)
  assert float(sums["copy_accuracy"][1]) == 8 * 2  # recalled symbols per batch
  logits = task._logits(model, params, batch["inputs"])  # pylint: disable=protected-access
  assert logits.shape == (8, 8, 10)
  predicted = jnp.argmax(logits, -1)
  expected = np.sum((np.asarray(predicted) == batch["targets"]) & (batch["targets"] > 0))
  assert int(sums["copy_accuracy"][0]) == expected
