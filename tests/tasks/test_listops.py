"""The listops task: config checks, and tiny runs (tree and sequence) through train_and_evaluate."""
import numpy as np
import pytest

from rnnlab import config_validation
from rnnlab import training
from configs import listops as listops_config


def test_debug_config_validates_and_bad_values_are_named():
  config = listops_config.get_config("debug")
  config_validation.validate_config(config)
  config.model.encoder = "graph"
  with pytest.raises(ValueError, match="'graph' for config.model.encoder; allowed: .*'tree'"):
    config_validation.validate_config(config)
  config = listops_config.get_config("debug")
  config.data.config = "huge"
  with pytest.raises(ValueError, match="'huge' for config.data.config; allowed: .*'small'"):
    config_validation.validate_config(config)
  with pytest.raises(ValueError, match="unknown variant 'big'"):
    listops_config.get_config("big")
  config = listops_config.get_config("debug")
  config.data.length_bucket = -1
  with pytest.raises(ValueError, match="config.data.length_bucket must be >= 0"):
    config_validation.validate_config(config)


@pytest.mark.slow
@pytest.mark.parametrize("encoder, bidirectional", [("tree", False), ("sequence", True)])
def test_debug_run(tmp_path, encoder, bidirectional):
  config = listops_config.get_config("debug")
  config.data.data_dir = str(tmp_path / "tfds")
  config.model.encoder = encoder
  config.model.bidirectional = bidirectional
  config.train.num_steps = 4
  config.train.eval_every = 4
  config.train.checkpoint_every = 4
  result = training.train_and_evaluate(config, str(tmp_path / "run"))
  assert set(result["final"]) == {"test_accuracy", "test_macro_f1"}
  assert 0.0 <= result["final"]["test_accuracy"] <= 1.0
  assert set(result["eval"]) == {"loss", "accuracy", "macro_f1"}
  assert np.isfinite(result["eval"]["loss"])
