"""rnnlab.sample: text from a trained run dir, unseen prompts, vocabulary/checkpoint mismatch,
damaged checkpoints, what the CLI prints."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from rnnlab import sample
from rnnlab import training
from rnnlab.data import vocabulary as vocabulary_lib
from tests.tasks.test_language_model import tiny_char_config, write_ptb

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
  root = tmp_path_factory.mktemp("sample")
  config = tiny_char_config(write_ptb(root / "ptb"))
  config.train.num_steps = 4
  config.train.eval_every = 2
  config.train.checkpoint_every = 2
  training.train_and_evaluate(config, str(root / "run"))
  return root / "run"


def test_samples_come_from_the_vocabulary_and_repeat_with_the_seed(run_dir):
  run = sample.load_run(str(run_dir))
  assert run.step == 4
  text = sample.generate(run, "the ", length=30, temperature=0.8, seed=3)
  assert len(text) == 30
  assert set(text) <= set(run.tokenizer.vocabulary.tokens) | {"\ufffd"}
  assert sample.generate(run, "the ", length=30, temperature=0.8, seed=3) == text
  greedy = sample.generate(run, "the ", length=10, temperature=0.0, seed=1)
  assert greedy == sample.generate(run, "the ", length=10, temperature=0.0, seed=2)
  assert len(sample.generate(run, "", length=5)) == 5


def test_best_checkpoint_is_the_best_eval_step(run_dir):
  config = sample.load_run(str(run_dir)).config
  evals = {r["step"]: r["loss"] for r in map(json.loads, open(run_dir / "metrics.jsonl"))
           if r["split"] == "eval"}
  assert sample.choose_step(str(run_dir), config, "best") == min(evals, key=evals.get)


def test_unseen_prompt_characters_are_named(run_dir):
  run = sample.load_run(str(run_dir))
  with pytest.raises(ValueError, match="'Z'"):
    sample.generate(run, "the Zebra", length=5)
  with pytest.raises(ValueError, match="temperature"):
    sample.generate(run, "the ", length=5, temperature=-1.0)


def test_vocabulary_checkpoint_mismatch_and_wrong_run_dirs(run_dir, tmp_path):
  copy = tmp_path / "copy"
  shutil.copytree(run_dir, copy)
  vocab = vocabulary_lib.load_vocabulary(str(copy))
  other = vocabulary_lib.Vocabulary(kind="char", tokens=vocab.tokens + ("\u00e9",))
  (copy / "vocab.json").write_text(other.to_json())
  with pytest.raises(ValueError, match="mismatch"):
    sample.load_run(str(copy))
  (copy / "config.json").write_text(json.dumps({"task": "adding"}))
  with pytest.raises(ValueError, match="'adding' run"):
    sample.load_run(str(copy))
  with pytest.raises(ValueError, match="config.json"):
    sample.load_run(str(tmp_path / "nowhere"))


def test_relative_run_dir_loads(run_dir, monkeypatch):
  # ``make demo`` passes ``--workdir=runs/demo``; orbax only reads absolute checkpoint paths.
  monkeypatch.chdir(run_dir.parent)
  assert sample.load_run(run_dir.name, "best").step in (2, 4)


def test_checkpoint_without_readable_metadata_is_named(run_dir, tmp_path):
  copy = tmp_path / "damaged"
  shutil.copytree(run_dir, copy)
  (copy / "checkpoints" / "4" / "state" / "_METADATA").unlink()
  with pytest.raises(ValueError, match=r"checkpoints/4/state.*no readable item metadata"):
    sample.load_run(str(copy))


def test_damaged_checkpoint_is_named_with_the_other_kept_steps(run_dir, tmp_path):
  copy = tmp_path / "damaged_data"
  shutil.copytree(run_dir, copy)
  for root, _, files in os.walk(copy / "checkpoints" / "4" / "state"):
    for name in files:
      with open(os.path.join(root, name), "wb") as f:
        f.write(b"garbage")
  with pytest.raises(ValueError, match=r"checkpoints/4/state cannot be read \(.*\); the run also "
                     r"keeps steps \[2\]: pass --checkpoint=<step>, or retrain"):
    sample.load_run(str(copy))
  assert sample.load_run(str(copy), "2").step == 2
  assert sorted(os.listdir(copy / "checkpoints")) == ["2", "4"]  # nothing moved


@pytest.mark.slow
def test_cli_prints_only_the_sample_on_stdout_and_damage_in_one_line(run_dir, tmp_path):
  expected = sample.generate(sample.load_run(str(run_dir)), "the ", length=20, temperature=0.0)
  result = subprocess.run([sys.executable, "-m", "rnnlab.sample", f"--workdir={run_dir}",
                           "--prompt=the ", "--length=20", "--temperature=0"], cwd=_REPO,
                          capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  assert result.stdout == "the " + expected + "\n"
  assert "Closing" not in result.stderr and "orbax" not in result.stderr, result.stderr
  copy = tmp_path / "damaged"
  shutil.copytree(run_dir, copy)
  (copy / "checkpoints" / "4" / "state" / "_METADATA").unlink()
  result = subprocess.run([sys.executable, "-m", "rnnlab.sample", f"--workdir={copy}"],
                          cwd=_REPO, capture_output=True, text=True, timeout=600)
  assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
  assert re.match(r"rnnlab\.sample: checkpoint .*checkpoints/4/state cannot be read",
                  result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("length", [0, 100_001, 100_000_000])
def test_length_outside_the_stated_bound_is_refused_before_any_work(length):
  # Issue 18 item 8: --length=100000000 ran silently for minutes with no bound stated.
  with pytest.raises(ValueError, match=r"length must be in \[1, 100000\] tokens"):
    sample.generate(None, "The ", length=length)
