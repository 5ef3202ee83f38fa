"""results.load on real runs, and the compare_runs notebook executed on them (nbclient)."""
import json
import os

import nbformat
from nbclient import NotebookClient
import pytest

from rnnlab import training
from rnnlab.analysis import results

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_NOTEBOOK = os.path.join(_REPO, "experiments", "notebooks", "compare_runs.ipynb")


def _tiny_adding(cell):
  config = training.base_config("adding")
  config.data.update(dict(seq_len=6, max_eval_examples=16))
  config.model.update(dict(cell=cell, hidden_size=4))
  config.train.update(dict(batch_size=8, num_steps=6, eval_every=3, checkpoint_every=6,
                           log_every=3))
  return config


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
  """A two-run "sweep" (LSTM, GRU) and one unfinished run directory with a torn line."""
  root = tmp_path_factory.mktemp("sweep")
  for cell in ("lstm", "gru"):
    training.train_and_evaluate(_tiny_adding(cell), str(root / f"cell={cell}"))
  unfinished = root / "nested" / "unfinished"
  unfinished.mkdir(parents=True)
  (unfinished / "config.json").write_text(json.dumps(_tiny_adding("elman").to_dict()))
  (unfinished / "metrics.jsonl").write_text(
      '{"step": 3, "split": "eval", "loss": "nan", "mse": 0.5}\n{"step": 6, "spl')
  return str(root)


def test_load_gives_one_row_per_run_and_eval_step_with_flat_config(sweep_dir):
  df = results.load(sweep_dir)
  assert list(df["run"]) == ["cell=gru"] * 2 + ["cell=lstm"] * 2 + ["nested/unfinished"]
  assert list(df["step"]) == [3, 6, 3, 6, 3]
  assert list(df["model.cell"]) == ["gru", "gru", "lstm", "lstm", "elman"]
  assert list(df["finished"]) == [True, True, True, True, False]
  assert (df["train.num_steps"] == 6).all() and (df["task"] == "adding").all()
  assert {"loss", "mse", "accuracy", "mse_over_baseline"} <= set(df.columns)
  assert df["loss"].isna().tolist() == [False] * 4 + [True]  # "nan" string -> NaN
  with open(os.path.join(sweep_dir, "cell=lstm", "final_metrics.json")) as f:
    final_mse = json.load(f)["eval"]["mse"]
  assert df[(df.run == "cell=lstm") & (df.step == 6)]["mse"].item() == final_mse


def test_final_and_varying_columns(sweep_dir):
  df = results.load(sweep_dir)
  table = results.final(df)
  assert list(table["run"]) == ["cell=gru", "cell=lstm", "nested/unfinished"]
  assert list(table["step"]) == [6, 6, 3]
  assert results.varying_config_columns(df) == ["model.cell"]


def test_train_split_has_every_step_and_a_single_run_loads(sweep_dir):
  train = results.load(os.path.join(sweep_dir, "cell=lstm"), split="train")
  assert list(train["run"].unique()) == ["."]
  assert list(train["step"]) == list(range(1, 7)) and (train["grad_norm"] > 0).all()


def test_bad_paths_and_splits_raise(tmp_path):
  with pytest.raises(ValueError, match="no runs"):
    results.load(str(tmp_path))
  with pytest.raises(ValueError, match="not a directory"):
    results.load(str(tmp_path / "missing"))
  with pytest.raises(ValueError, match=r"split='test'; allowed: \('train', 'eval', 'final'\)"):
    results.load(str(tmp_path), split="test")


@pytest.mark.slow
def test_compare_runs_notebook_executes_on_a_sweep(sweep_dir, monkeypatch):
  monkeypatch.setenv("RNNLAB_SWEEP_DIR", sweep_dir)
  monkeypatch.setenv("RNNLAB_METRIC", "mse")
  monkeypatch.setenv("MPLBACKEND", "Agg")
  notebook = nbformat.read(_NOTEBOOK, as_version=4)
  NotebookClient(notebook, timeout=120, kernel_name="python3",
                 resources={"metadata": {"path": _REPO}}).execute()
  outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
  assert not [o for o in outputs if o.output_type == "error"]
  text = "".join(o.get("text", "") for o in outputs)
  assert "3 runs, 5 eval rows; varied: ['model.cell']" in text
  table_html = notebook.cells[-1].outputs[0]["data"]["text/html"]
  assert "cell=gru" in table_html and "nested/unfinished" in table_html
