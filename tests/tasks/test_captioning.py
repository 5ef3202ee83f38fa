"""Captioning task: the debug config trains end to end, reports BLEU and exact match, and
``rnnlab.caption`` captions image files."""
import importlib.util
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from rnnlab import caption
from rnnlab import config_validation
from rnnlab import training

_REPO = pathlib.Path(__file__).resolve().parents[2]
_CONFIG = _REPO / "configs" / "captioning" / "default.py"


def _debug_config(data_dir):
  spec = importlib.util.spec_from_file_location("captioning_default", _CONFIG)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  config = module.get_config("debug")
  config.data.data_dir = str(data_dir)
  config.train.num_steps = 2
  config.train.eval_every = 2
  return config


def _check_report(result, run):
  assert result["status"] == "completed"
  final = result["final"]
  for split in ("validation", "test"):
    for method in ("greedy", "beam"):
      for n in (1, 2, 3, 4):
        assert 0.0 <= final[f"{split}_{method}_bleu_{n}"] <= 100.0
      assert 0.0 <= final[f"{split}_{method}_attribute_exact_match"] <= 1.0
  rows = (run / "captions_test.tsv").read_text().splitlines()
  assert rows[0] == "index\tgreedy\tbeam\treferences" and len(rows) == 1 + 8
  assert json.loads((run / "caption_tokenizer.json").read_text())


@pytest.fixture(scope="module")
def attend_run(tmp_path_factory):
  tmp = tmp_path_factory.mktemp("captioning")
  result = training.train_and_evaluate(_debug_config(tmp / "tfds"), str(tmp / "run"))
  return result, tmp / "run"


@pytest.mark.slow
def test_show_attend_tell_trains_and_reports(attend_run):
  _check_report(*attend_run)


@pytest.mark.slow
def test_show_and_tell_trains_and_reports(tmp_path):
  config = _debug_config(tmp_path / "tfds")
  config.model.variant = "show_and_tell"
  _check_report(training.train_and_evaluate(config, str(tmp_path / "run")), tmp_path / "run")


@pytest.mark.slow
def test_caption_cli_prints_captions_and_writes_attention_maps(attend_run, tmp_path):
  _, run = attend_run
  pixels = np.random.default_rng(0).integers(0, 256, (40, 40, 3)).astype(np.uint8)
  Image.fromarray(pixels).save(tmp_path / "a.png")
  Image.fromarray(pixels[:, :, 0]).save(tmp_path / "grey.png")
  maps = tmp_path / "maps"
  result = subprocess.run(
      [sys.executable, "-m", "rnnlab.caption", f"--workdir={run}", "--beam=2",
       f"--attention_maps={maps}", str(tmp_path / "a.png"), str(tmp_path / "grey.png")],
      cwd=_REPO, capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-2000:]
  lines = result.stdout.splitlines()
  assert [line.split("\t")[0] for line in lines] == [str(tmp_path / "a.png"),
                                                      str(tmp_path / "grey.png")]
  assert (maps / "a.attention.png").stat().st_size > 0
  (tmp_path / "bad.png").write_text("not an image")
  bad = subprocess.run([sys.executable, "-m", "rnnlab.caption", f"--workdir={run}",
                        str(tmp_path / "bad.png")], cwd=_REPO, capture_output=True, text=True,
                       timeout=600)
  assert bad.returncode == 1 and "Traceback" not in bad.stderr
  assert bad.stderr.strip().splitlines()[-1].startswith("rnnlab.caption: image ")
  assert "bad.png' cannot be read as an image" in bad.stderr
  trained = caption.load_trained(str(run))
  text, words, weights, image = caption.caption_image(trained, str(tmp_path / "a.png"), beam=1)
  assert image.shape == (32, 32, 3) and weights.shape == (len(words), 64)  # 8 x 8 regions


def test_caption_cli_refuses_a_run_of_another_task(tmp_path):
  (tmp_path / "config.json").write_text(json.dumps({"task": "adding"}))
  with pytest.raises(ValueError, match="is a 'adding' run; rnnlab.caption needs a 'captioning'"):
    caption.load_trained(str(tmp_path))


def test_bad_image_size_is_named(tmp_path):
  config = _debug_config(tmp_path)
  config.data.image_size = 36
  with pytest.raises(ValueError, match="image_size=36 must be divisible by 2\\*\\*"):
    config_validation.validate_config(config, num_devices=1)
