"""The classification task: config checks, and tiny runs through train_and_evaluate."""
import json
import os

import jax
import numpy as np
import pytest

from rnnlab import config_validation
from rnnlab import tasks
from rnnlab import training
from tests.tasks import few_steps
from configs.classification import default as classification_config

WORDS = {"pos": ["good", "great", "fine", "nice"], "neg": ["bad", "awful", "poor", "dull"],
         "mid": ["okay", "average", "plain", "so-so"]}


def _write_tsv(folder, seed=0):
  rng = np.random.default_rng(seed)
  for split, n in (("train", 96), ("validation", 24), ("test", 24)):
    lines = []
    for i in range(n):
      label = ("pos", "neg", "mid")[i % 3]
      words = list(rng.choice(["the", "film", "was", "a", "plot"], size=rng.integers(2, 9)))
      words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(WORDS[label])))
      lines.append(f"{label}\t{' '.join(words)}")
    (folder / f"{split}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
  return str(folder)


def test_debug_config_validates_and_bad_values_are_named():
  config = classification_config.get_config("debug")
  config_validation.validate_config(config)
  config.model.pooling = "median"
  with pytest.raises(ValueError, match="'median' for config.model.pooling; allowed: .*'attention'"):
    config_validation.validate_config(config)
  config = classification_config.get_config("debug")
  config.data.dataset = "files"
  with pytest.raises(ValueError, match="needs config.data.path"):
    config_validation.validate_config(config)
  config = classification_config.get_config("debug")
  config.data.max_length = 0
  with pytest.raises(ValueError, match="config.data.max_length must be >= 1"):
    config_validation.validate_config(config)
  with pytest.raises(ValueError, match="unknown variant 'big'"):
    classification_config.get_config("big")


def _tiny(config, steps=8):
  config.train.num_steps = steps
  config.train.eval_every = steps
  config.train.checkpoint_every = steps
  config.train.log_every = steps
  return config


@pytest.mark.slow
def test_tiny_run_on_tsv_files_writes_the_report_and_pictures(tmp_path):
  config = _tiny(classification_config.get_config("debug"), steps=60)
  config.data.dataset = "files"
  config.data.path = _write_tsv(tmp_path)
  config.model.cell = "gru"
  config.optimizer.learning_rate = 1e-2
  workdir = str(tmp_path / "run")
  result = training.train_and_evaluate(config, workdir)
  final = result["final"]
  assert set(final) == {"test_accuracy", "test_macro_precision", "test_macro_recall",
                        "test_macro_f1"}
  assert final["test_accuracy"] > 0.6  # the label is one keyword; chance is 1/3
  assert set(result["eval"]) == {"loss", "accuracy", "macro_f1"}
  with open(os.path.join(workdir, "classification_report_test.json")) as f:
    report = json.load(f)
  assert report["class_names"] == ["mid", "neg", "pos"]
  assert np.sum(report["confusion_matrix"]) == 24
  assert report["accuracy"] == pytest.approx(final["test_accuracy"])
  for name in ("confusion_matrix_test.png", "attention_weights_test.png", "vocab.json"):
    assert os.path.isfile(os.path.join(workdir, name)), name


@pytest.mark.slow
def test_debug_config_runs_on_the_embedded_tiny_set(tmp_path):
  config = _tiny(classification_config.get_config("debug"), steps=4)
  config.data.data_dir = str(tmp_path / "tfds")
  config.model.pooling = "max"
  config.model.bidirectional = False
  workdir = str(tmp_path / "run")
  result = training.train_and_evaluate(config, workdir)
  assert 0.0 <= result["final"]["test_accuracy"] <= 1.0
  assert np.isfinite(result["eval"]["loss"])
  assert not os.path.exists(os.path.join(workdir, "attention_weights_test.png"))


def _files_config(tmp_path):
  config = training.base_config("classification")
  config.data.update(dict(dataset="files", path=_write_tsv(tmp_path), max_length=16))
  config.model.update(dict(hidden_size=4, embed_size=4, attention_size=4, pooling="attention"))
  config.train.batch_size = 4
  return config


@pytest.mark.slow
def test_bfloat16_trains_a_few_steps_and_a_cell_section_takes_effect(tmp_path, key):
  task = tasks.get_task("classification")
  config = _files_config(tmp_path)
  config.model.dtype = "bfloat16"
  task.validate_config(config)
  few_steps.train_a_few_steps(task, config)
  config = _files_config(tmp_path)
  config.model.cell = "gru"
  batch = next(task.train_iterator(config, batch_size=4))
  model = task.build_model(config)
  params = jax.jit(lambda b, k: task.init_params(model, config, b, key=k))(batch, key)
  before, _ = task.loss(model, params, batch, None, key=key, train=False)
  config.model.gru.reset_after = False  # same parameters, other output
  after, _ = task.loss(task.build_model(config), params, batch, None, key=key, train=False)
  assert float(before) != float(after)
