"""experiments/long_range: the sweep files build the stated grids; the notebook runs end to end
on a tiny sweep and writes its figures and tables."""
import importlib.util
import os

import nbformat
import pytest
from nbclient import NotebookClient

from rnnlab import sweep

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "experiments", "long_range")


def _sweep_module(name):
  spec = importlib.util.spec_from_file_location(f"long_range_{name}", os.path.join(HERE, name))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_full_grids():
  adding = sweep.load_sweep(os.path.join(HERE, "adding_sweep.py"))
  assert len(adding.trials) == 4 * 4 * 2
  assert {t["model.cell"] for t in adding.trials} == {"elman", "irnn", "lstm", "gru"}
  assert {t["data.seq_len"] for t in adding.trials} == {50, 100, 200, 400}
  assert {t["optimizer.clip"] for t in adding.trials} == {"global_norm", "none"}
  digits = sweep.load_sweep(os.path.join(HERE, "digits_sweep.py"))
  assert len(digits.trials) == 8
  assert {t["data.permuted"] for t in digits.trials} == {False, True}


@pytest.mark.slow  # four tiny training processes (2 at a time) + one notebook kernel
def test_notebook_runs_on_a_tiny_sweep(tmp_path, monkeypatch):
  monkeypatch.chdir(ROOT)  # sweep configs are paths relative to the repository root
  dirs = {"adding": str(tmp_path / "adding"), "digits": str(tmp_path / "digits")}
  for name, folder in dirs.items():
    tiny = _sweep_module(f"{name}_sweep.py").make_sweep(tiny=True)
    records = sweep.run_sweep(tiny, folder, parallel=2)
    assert [r["status"] for r in records] == ["finished"] * len(tiny.trials), records
  figures = tmp_path / "figures"
  monkeypatch.setenv("LONG_RANGE_ADDING_DIR", dirs["adding"])
  monkeypatch.setenv("LONG_RANGE_DIGITS_DIR", dirs["digits"])
  monkeypatch.setenv("LONG_RANGE_FIGURE_DIR", str(figures))
  monkeypatch.setenv("LONG_RANGE_GRAD_T", "12")
  notebook = nbformat.read(os.path.join(HERE, "long_range.ipynb"), as_version=4)
  NotebookClient(notebook, timeout=300, kernel_name="python3",
                 resources={"metadata": {"path": ROOT}}).execute()
  assert sorted(os.listdir(figures)) == ["adding_mse_vs_T.png", "grad_norm_vs_t.png",
                                         "jacobian_norms.png", "tables.md"]
  tables = (figures / "tables.md").read_text()
  assert "tanh RNN" in tables and "LSTM" in tables and "T=8" in tables
  assert "sequential" in tables and "permuted" in tables
