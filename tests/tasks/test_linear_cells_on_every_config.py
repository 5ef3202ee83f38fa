"""``--config.model.cell=X`` for each state-linear cell X on every task config (issue 13).

For the ``debug`` variant of every shipped task config (adding, copy, digits, char LM,
translation, CTC speech, classification, ListOps, captioning) and X in mingru, minlstm, lru,
rglru: the config validates as ``rnnlab.main`` validates it, the task's model holds that
cell's own parameters (so the cell is not silently replaced by another), and the gradient of
the training loss traces with a float32 loss (``jax.eval_shape``: no compilation, so all 36
pairs stay fast; the tasks' own tests train their configs).

ListOps' config uses the Tree-LSTM encoder, which has no ``model.cell``; the cell runs with
``model.encoder=sequence`` there (with the tree encoder a non-LSTM cell is a ValueError).
The char LM reads a tiny PTB-layout folder instead of building its embedded corpus (the same
model; its data only has to give a batch).
"""
import os
from collections.abc import Mapping

import jax
import jax.numpy as jnp
import pytest

from configs import adding as adding_config
from configs import copy as copy_config
from configs import digits as digits_config
from configs import listops as listops_config
from configs.captioning import default as captioning_config
from configs.classification import default as classification_config
from configs.lm import char_default as lm_config
from configs.speech import default as speech_config
from configs.translation import default as translation_config
from rnnlab import config_validation
from rnnlab import tasks
from rnnlab.models import cell_config
from tests.tasks.test_language_model import write_ptb

CONFIGS = {
    "adding": adding_config, "copy": copy_config, "digits": digits_config,
    "lm_char": lm_config, "translation": translation_config, "speech": speech_config,
    "classification": classification_config, "listops": listops_config,
    "captioning": captioning_config,
}
LINEAR_CELLS = ("mingru", "minlstm", "lru", "rglru")
# The parameter whose leading axis is the input size D (``cell.init(key, D)``).
INPUT_PARAMETER = {"mingru": "w_x", "minlstm": "w_x", "lru": "b_re", "rglru": "w_x"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  """One TFDS folder for every config's embedded data set (each is built on first use)."""
  return str(tmp_path_factory.mktemp("tfds"))


def debug_config(config_name, cell, data_dir):
  """The ``debug`` variant of config ``config_name`` with ``model.cell = cell``."""
  config = CONFIGS[config_name].get_config("debug")
  config.model.cell = cell
  if "data_dir" in config.data:
    config.data.data_dir = data_dir
  if config_name == "listops":
    config.model.encoder = "sequence"
  if config_name == "lm_char":
    config.data.update(dict(dataset="files", path=write_ptb(os.path.join(data_dir, "ptb"))))
  return config


def sub_dicts(tree):
  """Every dict in a nested dict of parameters (itself included)."""
  if not isinstance(tree, Mapping):
    return []
  return [tree] + [d for value in tree.values() for d in sub_dicts(value)]


def cell_parameter_sets(params, config, key):
  """The dicts in ``params`` that are exactly the parameters of ``model.cell`` (names and
  shapes of ``cell.init``) at one of the config's hidden sizes."""
  name = config.model.cell
  sizes = {config.model[k] for k in ("hidden_size", "encoder_hidden_size", "decoder_hidden_size")
           if k in config.model}
  found = []
  for d in sub_dicts(params):
    if INPUT_PARAMETER[name] not in d or not all(hasattr(v, "shape") for v in d.values()):
      continue
    input_size = d[INPUT_PARAMETER[name]].shape[0]
    for size in sizes:
      cell = cell_config.make_cells(config.model, hidden_size=size, num_layers=1)[0]
      expected = jax.eval_shape(lambda: cell.init(key, input_size))
      if {k: v.shape for k, v in expected.items()} == {k: v.shape for k, v in d.items()}:
        found.append(d)
  return found


_BATCHES = {}


def first_batch(task, config, config_name):
  """The first training batch of a config (the same for every cell: built once per config)."""
  if config_name not in _BATCHES:
    _BATCHES[config_name] = next(task.train_iterator(config, batch_size=config.train.batch_size))
  return _BATCHES[config_name]


@pytest.mark.parametrize("cell", LINEAR_CELLS)
@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_cell_validates_builds_and_its_loss_gradient_traces(config_name, cell, data_dir, key):
  config = debug_config(config_name, cell, data_dir)
  config_validation.validate_config(config)
  task = tasks.get_task(config.task)
  model = task.build_model(config)
  batch = first_batch(task, config, config_name)
  params = jax.eval_shape(lambda k: task.init_params(model, config, batch, key=k), key)
  assert cell_parameter_sets(params, config, key), (
      f"{config_name}: no {cell} parameters in {jax.tree.map(jnp.shape, params)}")
  carry = task.initial_carry(config, batch_size=config.train.batch_size)

  def objective(p):
    return task.loss(model, p, batch, carry, key=key, train=True)[0]

  loss, grads = jax.eval_shape(jax.value_and_grad(objective), params)
  assert loss.shape == () and loss.dtype == jnp.float32
  assert jax.tree.structure(grads) == jax.tree.structure(params)


def test_tree_encoder_refuses_a_cell_it_would_ignore():
  config = listops_config.get_config("debug")
  config.model.cell = "lru"
  with pytest.raises(ValueError, match=r"config.model.cell='lru' is not used by "
                                       r"config.model.encoder='tree'"):
    config_validation.validate_config(config)
  config.model.cell = "lstm"  # the default: the Tree-LSTM is an LSTM
  config_validation.validate_config(config)
