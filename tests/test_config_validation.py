"""validate_config: each kind of bad config stops with a message naming it and the choices."""
import ml_collections
import pytest

from rnnlab import config_validation
from rnnlab import training


def _config():
  config = training.base_config("adding")
  config.train.batch_size = 8
  config.train.eval_batch_size = 0
  return config


def _unlocked(config):
  return ml_collections.ConfigDict(config.to_dict())


def test_shipped_configs_and_defaults_are_valid():
  from configs import adding, copy  # pylint: disable=import-outside-toplevel
  for config in (_config(), adding.get_config(), adding.get_config("debug"),
                 copy.get_config(), copy.get_config("debug")):
    config_validation.validate_config(config)


@pytest.mark.parametrize("mutate, message", [
    (lambda c: c.model.__setitem__("cells", "lstm"),
     r"unknown config key 'model.cells'; allowed keys in 'model': \['block', 'cell', "
     r"'dropout_rate', 'dtype'"),
    (lambda c: c.train.__setitem__("epochs", 3),
     r"unknown config key 'train.epochs'; allowed keys in 'train': \['batch_size'"),
    (lambda c: c.model.lstm.__setitem__("forget_gate_bias", 1.0),
     r"unknown config key 'model.lstm.forget_gate_bias'; allowed keys in 'model.lstm': "
     r"\['forget_bias', 'init_scale', 'input_init', 'layer_norm', 'peephole', "
     r"'recurrent_init'\]"),
    (lambda c: c.__setitem__("eval", {}),
     r"unknown top-level config section 'eval'; allowed: \('task', 'data', 'model', "
     r"'optimizer', 'train'\)"),
    (lambda c: c.__delitem__("optimizer"), "missing top-level config section 'optimizer'"),
    (lambda c: c.data.__delitem__("seq_len"), "missing config key 'data.seq_len'"),
    (lambda c: c.__setitem__("task", "parity"),
     r"unknown task 'parity' \(config.task\); allowed: \('adding', 'captioning'"),
    (lambda c: c.model.__setitem__("cell", "lstmm"),
     r"invalid value 'lstmm' for config.model.cell; allowed: \('elman', 'irnn', 'lstm', 'gru'"),
    (lambda c: c.optimizer.__setitem__("name", "lamb"),
     r"invalid value 'lamb' for config.optimizer.name; allowed: \('sgd', 'momentum', 'adam', "
     r"'adamw', 'rmsprop', 'adagrad'\)"),
    (lambda c: c.optimizer.__setitem__("schedule", "poly"),
     r"invalid value 'poly' for config.optimizer.schedule; allowed: \('constant', "
     r"'step_decay', 'exponential', 'cosine'\)"),
    (lambda c: c.optimizer.__setitem__("clip", "norm"),
     r"invalid value 'norm' for config.optimizer.clip; allowed: \('global_norm', 'value', "
     r"'none'\)"),
    (lambda c: c.train.__setitem__("num_steps", 0), r"config.train.num_steps must be > 0, got 0"),
    (lambda c: c.optimizer.__setitem__("learning_rate", -0.1),
     r"config.optimizer.learning_rate must be > 0, got -0.1"),
    (lambda c: c.model.__setitem__("hidden_size", 0), r"config.model.hidden_size must be >= 1"),
    (lambda c: c.data.__setitem__("seq_len", 1), r"config.data.seq_len must be >= 2"),
    (lambda c: c.model.elman.__setitem__("activation", "softsign"),
     r"config.model.elman .*unknown activation 'softsign'; allowed: \['relu', 'tanh'\]"),
    (lambda c: c.train.__setitem__("batch_size", 6),
     r"config.train.batch_size=6 must be divisible by the number of devices \(4\)"),
])
def test_bad_config_raises_naming_the_problem(mutate, message):
  config = _unlocked(_config())
  if "softsign" in message:
    config.model.cell = "elman"
  mutate(config)
  with pytest.raises(ValueError, match=message):
    config_validation.validate_config(config, num_devices=4)


def test_wrong_type_raises():
  # A hand-written config (ConfigDict's own type check only guards later assignments).
  raw = _config().to_dict()
  raw["train"]["num_steps"] = "100"
  with pytest.raises(ValueError, match=r"config key 'train.num_steps' must be of type int like "
                     r"its default 1000, got '100'"):
    config_validation.validate_config(ml_collections.ConfigDict(raw), num_devices=4)
  raw["train"]["num_steps"] = True
  with pytest.raises(ValueError, match=r"'train.num_steps' must be of type int"):
    config_validation.validate_config(ml_collections.ConfigDict(raw), num_devices=4)


@pytest.mark.parametrize("task, path, value", [
    ("adding", "optimizer.learning_rate", float("inf")),
    ("adding", "model.lstm.forget_bias", float("nan")),
    ("ctc_speech", "model.decoding.lm_weight", float("nan")),
    ("ctc_speech", "model.decoding.insertion_bonus", float("-inf")),
])
def test_nan_or_infinite_numbers_are_refused_naming_the_key(task, path, value):
  config = training.base_config(task)
  config.update_from_flattened_dict({path: value})
  with pytest.raises(ValueError, match=rf"config.{path}={value}; allowed: finite numbers"):
    config_validation.validate_config(config, num_devices=1)


def test_int_accepted_where_a_float_is_expected():
  config = _config()
  config.optimizer.learning_rate = 1
  config_validation.validate_config(config, num_devices=4)


@pytest.mark.parametrize("task, section, old, new", [
    ("adding", "data", "seq_length", "seq_len"),
    ("copy_memory", "data", "eval_size", "max_eval_examples"),
    ("ctc_speech", "model.decoding", "beam_width", "beam_size"),
])
def test_an_old_key_name_is_refused_naming_the_new_one(task, section, old, new):
  config = _unlocked(training.base_config(task))
  config.train.batch_size = 8
  node = config
  for part in section.split("."):
    node = node[part]
  node[old] = node[new]
  del node[new]
  with pytest.raises(ValueError, match=(rf"^config key '{section}.{old}' was renamed to "
                                        rf"'{section}.{new}'; use '{section}.{new}'$")):
    config_validation.validate_config(config, num_devices=4)


def test_renamed_keys_are_gone_from_every_task_and_name_a_live_key():
  from rnnlab.tasks import registry  # pylint: disable=import-outside-toplevel
  for task in registry.task_names():
    flat = training.run_directory.flatten(training.base_config(task).to_dict())
    names = {key.rsplit(".", 1)[-1] for key in flat}
    assert not names & set(config_validation.RENAMED_KEYS), task
  assert config_validation.unknown_key_message("data", "eval_size", ["seq_len"]).startswith(
      "unknown config key 'data.eval_size'")  # renamed only where the new name exists
