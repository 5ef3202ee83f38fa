"""experiments/speech/architectures.py: the grid, the scores it reads, the table it writes, and
(slow) the whole command on the tiny template set."""
import importlib.util
import json
import os

import pytest

from rnnlab import sweep
from rnnlab.data.speech import embedded

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _module():
  spec = importlib.util.spec_from_file_location(
      "speech_architectures", os.path.join(ROOT, "experiments", "speech", "architectures.py"))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_the_grid_and_its_overrides():
  architectures = _module()
  full = architectures.get_sweep()
  assert [(t["model.architecture"], t["model.cell"]) for t in full.trials] == [
      (a, c) for c in ("lstm", "gru") for a in ("ctc", "las", "joint")]
  assert full.fixed == {} and full.config == "configs/speech/default.py"
  short = architectures.make_sweep(["ctc-gru", "joint-lstm"], num_steps=250,
                                   bucket_seconds=2.0, data_dir="/data/tfds")
  assert [sweep.trial_name(t) for t in short.trials] == [
      "model.architecture=ctc,model.cell=gru", "model.architecture=joint,model.cell=lstm"]
  assert short.fixed == {"train.num_steps": 250, "train.eval_every": 250,
                         "train.checkpoint_every": 250, "data.bucket_seconds": 2.0,
                         "data.data_dir": "/data/tfds"}
  with pytest.raises(ValueError, match=r"unknown model 'rnn-lstm'; allowed: ctc-lstm, "):
    architectures.parse_model("rnn-lstm")


def test_scores_come_from_the_run_and_make_the_table(tmp_path):
  architectures = _module()
  final = {"test_ctc_greedy_cer": 0.25, "test_ctc_greedy_wer": 0.5, "test_joint_beam_cer": 0.125,
           "test_joint_beam_wer": 0.375, "validation_ctc_greedy_cer": 0.9, "test_loss": 12.0}
  (tmp_path / "final_metrics.json").write_text(json.dumps({"eval": {"cer": 0.3},
                                                          "final": final}))
  test = architectures.split_scores(str(tmp_path), "test")
  assert test == {"test_ctc_greedy_cer": 0.25, "test_ctc_greedy_wer": 0.5,
                  "test_joint_beam_cer": 0.125, "test_joint_beam_wer": 0.375}
  # A split the run did not score is read from the cached transcribe scores.
  flite = {"test_flite_ctc_greedy_cer": 0.5, "test_flite_ctc_greedy_wer": 0.75}
  (tmp_path / "scores_test_flite.json").write_text(json.dumps(flite))
  assert architectures.split_scores(str(tmp_path), "test_flite") == flite
  rows = architectures.result_rows("joint-lstm", {"test": test, "test_flite": flite})
  assert rows == [
      {"model": "joint-lstm", "decoder": "ctc_greedy", "test_cer": 0.25, "test_wer": 0.5,
       "test_flite_cer": 0.5, "test_flite_wer": 0.75},
      {"model": "joint-lstm", "decoder": "joint_beam", "test_cer": 0.125, "test_wer": 0.375}]
  assert architectures.table_markdown(rows).splitlines() == [
      "| model | decoder | test CER | test WER | test_flite CER | test_flite WER |",
      "|---|---|---|---|---|---|",
      "| joint-lstm | `ctc_greedy` | 25.0% | 50.0% | 50.0% | 75.0% |",
      "| joint-lstm | `joint_beam` | 12.5% | 37.5% | - | - |"]


@pytest.mark.slow  # two tiny training processes, one at a time
def test_the_command_trains_scores_and_writes_the_table(tmp_path, monkeypatch):
  monkeypatch.chdir(ROOT)  # the config is a path relative to the repository root
  data_dir = str(tmp_path / "tfds")
  embedded.prepare(data_dir, config="tiny")
  architectures = _module()
  workdir = str(tmp_path / "grid")
  rows = architectures.run(workdir, ["ctc-lstm", "las-lstm"], splits=("validation", "test"),
                           num_steps=2, data_dir=data_dir,
                           config="configs/speech/default.py:debug")
  assert [(r["model"], r["decoder"]) for r in rows] == [
      ("ctc-lstm", "ctc_greedy"), ("ctc-lstm", "ctc_beam"), ("ctc-lstm", "ctc_beam_lm"),
      ("las-lstm", "attention_greedy"), ("las-lstm", "attention_beam")]
  for row in rows:
    assert set(row) == {"model", "decoder", "validation_cer", "validation_wer", "test_cer",
                        "test_wer"}
  with open(os.path.join(workdir, "results.json")) as f:
    assert json.load(f) == rows
  with open(os.path.join(workdir, "table.md")) as f:
    assert len(f.read().splitlines()) == 2 + len(rows)
  # A re-run trains nothing and gives the same rows.
  assert architectures.run(workdir, ["ctc-lstm", "las-lstm"], splits=("validation", "test"),
                           num_steps=2, data_dir=data_dir,
                           config="configs/speech/default.py:debug") == rows
