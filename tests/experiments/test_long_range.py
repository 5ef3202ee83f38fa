"""experiments/long_range: the sweep files build the stated grids; the notebook runs end to end
on a tiny sweep and writes its figures and tables."""
import importlib.util
import os

import jax
import nbformat
import pytest
from nbclient import NotebookClient

import rnnlab
from rnnlab import sweep, tasks

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


# The parameter counts stated in the linear sweeps' docstrings and experiments/long_range/README.md.
_LINEAR_PARAMS = {"adding": {"lstm": 17217, "lru": 17251, "rglru": 17065},
                  "copy": {"lstm": 19850, "lru": 17685, "rglru": 17533}}


@pytest.mark.parametrize("task", ["adding", "copy"])
def test_linear_sweeps_compare_the_stated_models(task):
  # Issue 13: LRU and RG-LRU in residual blocks beside the LSTM, at about the same size.
  linear = sweep.load_sweep(os.path.join(HERE, f"{task}_linear_sweep.py"))
  module = _sweep_module(f"{task}_linear_sweep.py")
  assert sorted({t["model.cell"] for t in linear.trials}) == ["lru", "lstm", "rglru"]
  if task == "adding":
    assert {t["data.seq_len"] for t in linear.trials} == {400, 1000}
    assert len(linear.trials) == 6
  spec = importlib.util.spec_from_file_location("config", os.path.join(ROOT, linear.config))
  config_module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(config_module)
  for name, overrides in module.MODELS.items():
    assert overrides["model.block"] == ("none" if name == "lstm" else "residual")
    config = config_module.get_config()
    for key, value in overrides.items():
      *path, field = key.split(".")
      section = config
      for part in path:
        section = section[part]
      section[field] = value
    task_object = tasks.get_task(config.task)
    model = task_object.build_model(config)
    batch = next(task_object.train_iterator(config, batch_size=2))
    params = jax.eval_shape(lambda: task_object.init_params(model, config, batch,
                                                           key=jax.random.key(0)))
    assert rnnlab.params.count_params(params) == _LINEAR_PARAMS[task][name], name


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
