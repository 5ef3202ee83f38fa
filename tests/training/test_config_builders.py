"""config_builders: the pieces configs/*.py share, and configs stating only what differs."""
import glob
import importlib.util
import re

import pytest

from rnnlab import training
from rnnlab.training import config_builders


def test_cosine_schedule_and_short_run_set_exactly_their_keys():
  config = training.base_config("adding")
  before = config.to_dict()
  config_builders.cosine_schedule(config.optimizer, warmup_steps=100)
  config_builders.short_run(config.train, batch_size=16, num_steps=60, every=20, log_every=10)
  after = config.to_dict()
  changed = {(section, key): after[section][key] for section in ("optimizer", "train")
             for key in after[section] if after[section][key] != before[section][key]}
  assert changed == {("optimizer", "schedule"): "cosine", ("optimizer", "warmup_steps"): 100,
                     ("optimizer", "min_learning_rate_ratio"): 0.05,
                     ("train", "batch_size"): 16, ("train", "num_steps"): 60,
                     ("train", "eval_every"): 20, ("train", "checkpoint_every"): 20,
                     ("train", "log_every"): 10}
  config_builders.short_run(config.train, batch_size=8, num_steps=4, every=2)
  assert config.train.log_every == 2


def test_unknown_variant_names_the_file_and_the_allowed_variants():
  error = config_builders.unknown_variant("dbug", "configs/adding.py", ("numbers", "debug"))
  assert isinstance(error, ValueError)
  assert str(error) == "unknown variant 'dbug' of configs/adding.py; allowed: 'numbers', 'debug'"


def _config_files():
  return sorted(glob.glob("configs/**/*.py", recursive=True))


def _get(config, path):
  for part in path.split("."):
    config = config[part]
  return config


@pytest.mark.parametrize("path", _config_files())
def test_configs_set_no_optimizer_or_train_key_to_its_default(path):
  """Each config states only what its experiment changes in the shared sections."""
  spec = importlib.util.spec_from_file_location("config_under_test", path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  if not hasattr(module, "get_config"):
    return
  config = module.get_config()
  base = training.base_config(config.task)
  source = open(path, encoding="utf-8").read().split("  if variant")[0]
  restated = [m.group(1) for m in re.finditer(r"^  config\.((?:optimizer|train)\.\w+) = ",
                                               source, re.MULTILINE)
              if _get(base, m.group(1)) == _get(config, m.group(1))]
  assert restated == [], f"{path} restates defaults: {restated}"
