"""Every task: model.dtype=bfloat16 trains with a finite float32 loss; cell sections take effect.

Translation and speech have the same checks in their own test files (they share those files'
prepared data).
"""
import jax
import pytest

from rnnlab import tasks
from rnnlab import training
from tests.tasks import few_steps
from tests.tasks.test_language_model import write_ptb


def _config(task_name, tmp_path):
  config = training.base_config(task_name)
  config.model.hidden_size = 4
  config.train.batch_size = 4
  if task_name == "adding":
    config.data.seq_len = 6
  elif task_name == "copy_memory":
    config.data.update(dict(delay=3, copy_length=2))
  elif task_name == "language_model":
    config.data.update(dict(dataset="files", path=write_ptb(tmp_path / "ptb"), seq_len=5))
    config.model.embed_size = 4
  return config


TASKS = ("adding", "copy_memory", "sequential_digits", "language_model")


@pytest.mark.parametrize("task_name", TASKS)
def test_bfloat16_trains_a_few_steps_with_a_finite_loss(task_name, tmp_path):
  task = tasks.get_task(task_name)
  config = _config(task_name, tmp_path)
  config.model.dtype = "bfloat16"
  task.validate_config(config)
  few_steps.train_a_few_steps(task, config)


@pytest.mark.parametrize("task_name", TASKS)
def test_a_cell_hyperparameter_changes_the_model(task_name, tmp_path, key):
  task = tasks.get_task(task_name)
  config = _config(task_name, tmp_path)
  config.model.cell = "gru"
  batch = next(task.train_iterator(config, batch_size=4))
  model = task.build_model(config)
  params = jax.jit(lambda b, k: task.init_params(model, config, b, key=k))(batch, key)
  carry = task.initial_carry(config, batch_size=4)
  before, _ = task.loss(model, params, batch, carry, key=key, train=False)
  config.model.gru.reset_after = False  # Cho et al.'s GRU: same parameters, other output
  after, _ = task.loss(task.build_model(config), params, batch, carry, key=key, train=False)
  assert float(before) != float(after)
