"""Captioning task: the debug config trains end to end and reports BLEU and exact match."""
import importlib.util
import json
import pathlib

import pytest

from rnnlab import config_validation
from rnnlab import training

_CONFIG = pathlib.Path(__file__).resolve().parents[2] / "configs" / "captioning" / "default.py"


def _debug_config(data_dir):
  spec = importlib.util.spec_from_file_location("captioning_default", _CONFIG)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  config = module.get_config("debug")
  config.data.data_dir = str(data_dir)
  return config


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["show_attend_tell", "show_and_tell"])
def test_debug_config_trains_and_reports(variant, tmp_path):
  config = _debug_config(tmp_path / "tfds")
  config.model.variant = variant
  config.train.num_steps = 2
  config.train.eval_every = 2
  result = training.train_and_evaluate(config, str(tmp_path / "run"))
  assert result["status"] == "completed"
  final = result["final"]
  for split in ("validation", "test"):
    for method in ("greedy", "beam"):
      for n in (1, 2, 3, 4):
        assert 0.0 <= final[f"{split}_{method}_bleu_{n}"] <= 100.0
      assert 0.0 <= final[f"{split}_{method}_attribute_exact_match"] <= 1.0
  rows = (tmp_path / "run" / "captions_test.tsv").read_text().splitlines()
  assert rows[0] == "index\tgreedy\tbeam\treferences" and len(rows) == 1 + 8
  assert json.loads((tmp_path / "run" / "caption_tokenizer.json").read_text())


def test_bad_image_size_is_named(tmp_path):
  config = _debug_config(tmp_path)
  config.data.image_size = 36
  with pytest.raises(ValueError, match="image_size=36 must be divisible by 2\\*\\*"):
    config_validation.validate_config(config, num_devices=1)
