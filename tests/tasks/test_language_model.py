"""Language-model task: Zaremba configs end to end, TBPTT carry, whole-split perplexity, errors."""
import importlib.util
import json
import math
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import data as data_lib
from rnnlab import training
from rnnlab.tasks import registry

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOL = 1e-5  # float32: the same sums accumulated in a different order / segmentation
SENTENCES = ["the cat sat on the mat", "a dog ate the bone", "the dog sat on a cat",
             "a cat ate the mat", "the bone sat on the dog"]


def write_ptb(folder, train_lines=60, heldout_lines=12):
  """A tiny PTB-layout corpus: train.txt, valid.txt, test.txt, one sentence per line."""
  rng = np.random.default_rng(0)
  os.makedirs(folder, exist_ok=True)
  for name, lines in (("train", train_lines), ("valid", heldout_lines),
                      ("test", heldout_lines)):
    text = "".join(SENTENCES[i] + "\n" for i in rng.integers(0, len(SENTENCES), lines))
    with open(os.path.join(folder, f"{name}.txt"), "w") as f:
      f.write(text)
  return str(folder)


def load_config_file(name):
  spec = importlib.util.spec_from_file_location(name, os.path.join(REPO, "configs", "lm",
                                                                  f"{name}.py"))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module.get_config()


def shrink(config, path, steps=3):
  config.data.path = path
  config.data.seq_len = 5
  config.model.hidden_size = 8
  config.model.embed_size = 8
  config.train.batch_size = 4
  config.train.eval_batch_size = 4
  config.train.num_steps = steps
  config.train.eval_every = steps
  config.train.checkpoint_every = steps
  config.train.log_every = 1
  config.optimizer.steps_per_epoch = 0
  return config


def tiny_char_config(path):
  config = training.base_config("language_model")
  config.data.dataset = "files"
  config.data.tokenizer = "char"
  config.data.ngram_order = 3
  config = shrink(config, path)
  config.model.num_layers = 1
  return config


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zaremba_small", "zaremba_medium", "zaremba_large"])
def test_zaremba_configs_train_end_to_end(tmp_path, name):
  config = shrink(load_config_file(name), write_ptb(tmp_path / "ptb"))
  assert config.optimizer.name == "sgd" and config.model.loss_reduction == "sum_over_time"
  result = training.train_and_evaluate(config, str(tmp_path / "run"))
  final = result["final"]
  assert result["status"] == "completed"
  for split in ("valid", "test"):
    assert math.isfinite(final[f"{split}_perplexity"])
    assert final[f"{split}_perplexity"] == pytest.approx(math.exp(final[f"{split}_loss"]))
    assert final[f"ngram_{split}_perplexity"] > 1.0
  assert final["test_num_tokens"] > 0 and final["train_tokens"] > 0
  assert os.path.exists(tmp_path / "run" / "vocab.json")


@pytest.mark.slow
def test_zaremba_small_through_rnnlab_main(tmp_path):
  path = write_ptb(tmp_path / "ptb")
  workdir = tmp_path / "run"
  overrides = [f"--config.data.path={path}", "--config.data.seq_len=5",
               "--config.model.hidden_size=8", "--config.model.embed_size=8",
               "--config.train.batch_size=4", "--config.train.eval_batch_size=4",
               "--config.train.num_steps=2", "--config.train.eval_every=2",
               "--config.train.checkpoint_every=2"]
  subprocess.run([sys.executable, "-m", "rnnlab.main",
                  "--config=configs/lm/zaremba_small.py", f"--workdir={workdir}", *overrides],
                 cwd=REPO, check=True, capture_output=True, timeout=600)
  with open(workdir / "final_metrics.json") as f:
    final = json.load(f)["final"]
  assert math.isfinite(final["test_perplexity"]) and "ngram_test_perplexity" in final


def _setup(config, batch_size):
  task = registry.get_task("language_model")
  model = task.build_model(config)
  batch = next(task.train_iterator(config, batch_size=batch_size))
  params = task.init_params(model, config, batch, key=jax.random.key(0))
  return task, model, params


def test_tbptt_carry_over_two_segments_equals_the_concatenated_sequence(tmp_path):
  config = tiny_char_config(write_ptb(tmp_path / "ptb"))
  task, model, params = _setup(config, 4)
  iterator = task.train_iterator(config, batch_size=4)
  first, second = next(iterator), next(iterator)
  assert first["reset"].all() and not second["reset"].any()
  np.testing.assert_array_equal(first["targets"][:, -1], second["inputs"][:, 0])
  carry = task.initial_carry(config, batch_size=4)
  loss1, (_, carry) = task.loss(model, params, first, carry, key=jax.random.key(1), train=False)
  loss2, _ = task.loss(model, params, second, carry, key=jax.random.key(1), train=False)
  joined = {k: np.concatenate([first[k], second[k]], axis=1)
            for k in ("inputs", "targets", "mask")}
  joined["reset"] = first["reset"]
  whole, _ = task.loss(model, params, joined, task.initial_carry(config, batch_size=4),
                       key=jax.random.key(1), train=False)
  np.testing.assert_allclose((loss1 + loss2) / 2, whole, rtol=TOL)
  # The carry is reset at the start of the next epoch.
  reset_batch = dict(first)
  again, _ = task.loss(model, params, reset_batch, carry, key=jax.random.key(1), train=False)
  np.testing.assert_allclose(again, loss1, rtol=TOL)


def test_split_perplexity_is_exp_of_mean_nll_computed_by_hand(tmp_path):
  config = tiny_char_config(write_ptb(tmp_path / "ptb"))
  task, model, params = _setup(config, 4)
  metrics = task.evaluate_split(config, model, params, "test")
  ids = data_lib.load_lm_data(config.data).ids["test"]
  num_predictions = ids.shape[0] - 1
  stream_len = math.ceil(num_predictions / 4)
  total = 0.0
  for row in range(4):  # each eval stream from a zero state, unsegmented
    start = row * stream_len
    stop = min(start + stream_len, num_predictions)
    if stop <= start:
      continue
    _, logits = model.apply({"params": params}, jnp.asarray(ids[start:stop])[None, :])
    log_p = jax.nn.log_softmax(logits[0].astype(jnp.float64) if jax.config.x64_enabled
                               else logits[0])
    total -= float(jnp.sum(log_p[jnp.arange(stop - start), ids[start + 1:stop + 1]]))
  assert metrics["num_tokens"] == num_predictions
  np.testing.assert_allclose(metrics["loss"], total / num_predictions, rtol=TOL)
  np.testing.assert_allclose(metrics["perplexity"], math.exp(total / num_predictions), rtol=TOL)
  np.testing.assert_allclose(metrics["bits_per_char"], total / num_predictions / math.log(2),
                             rtol=TOL)


@pytest.mark.slow
def test_sentence_mode_trains(tmp_path):
  config = tiny_char_config(write_ptb(tmp_path / "ptb"))
  config.data.tokenizer = "word"
  config.data.mode = "sentences"
  config.data.bucket_boundaries = (8,)
  result = training.train_and_evaluate(config, str(tmp_path / "run"))
  assert math.isfinite(result["final"]["test_perplexity"])
  assert result["final"]["test_num_tokens"] == sum(
      len(line.split()) + 1 for line in open(tmp_path / "ptb" / "test.txt"))


def test_bad_inputs_are_clear_errors_and_overwrite_nothing(tmp_path):
  path = write_ptb(tmp_path / "ptb")
  os.remove(os.path.join(path, "valid.txt"))
  config = tiny_char_config(path)
  with pytest.raises(ValueError, match="valid.txt"):
    training.train_and_evaluate(config, str(tmp_path / "missing"))
  empty = write_ptb(tmp_path / "empty")
  open(os.path.join(empty, "train.txt"), "w").close()
  with pytest.raises(ValueError, match="train.txt"):
    training.train_and_evaluate(tiny_char_config(empty), str(tmp_path / "empty_run"))
  short = write_ptb(tmp_path / "short", train_lines=1)
  config = tiny_char_config(short)
  config.data.seq_len = 50
  with pytest.raises(ValueError, match="shorter than one batch"):
    training.train_and_evaluate(config, str(tmp_path / "short_run"))
  # A run dir made with another vocabulary is refused before anything is written.
  workdir = tmp_path / "run"
  os.makedirs(workdir)
  word_config = tiny_char_config(write_ptb(tmp_path / "ptb2"))
  word_config.data.tokenizer = "word"
  registry.get_task("language_model").prepare_workdir(word_config, str(workdir))
  (workdir / "config.json").write_text("{}")
  with pytest.raises(ValueError, match="mismatch"):
    training.train_and_evaluate(tiny_char_config(str(tmp_path / "ptb2")), str(workdir))
  assert (workdir / "config.json").read_text() == "{}"
