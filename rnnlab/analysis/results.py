"""Run directories -> pandas: ``results.load(path)``.

``path`` is one run directory or any directory above runs (a sweep); every directory below it
holding a ``config.json`` is a run. The DataFrame has one row per run and logged step of the
chosen split (``eval`` by default: one row per evaluation), with columns

* ``run``: the run directory relative to ``path`` (``"."`` if ``path`` is the run),
* ``finished``: whether the run completed (``final_metrics.json`` exists),
* ``step`` and one column per metric of that split (``loss``, ``mse``, ...),
* every config leaf, flattened to its dotted name (``model.cell``, ``optimizer.learning_rate``,
  ``train.seed``, and ``task``).

``final(df)`` keeps the last row of each run: the table of final metrics.
"""
import json
import os

import pandas as pd

from rnnlab.training import run_directory
from rnnlab.training.run_directory import CONFIG_FILE, FINAL_METRICS_FILE, METRICS_FILE  # noqa: F401

SPLITS = ("train", "eval", "final")
flatten_config = run_directory.flatten  # {"model": {"cell": "lstm"}} -> {"model.cell": "lstm"}


def find_runs(path: str) -> list[str]:
  """Run directories (those with a ``config.json``) at or below ``path``, sorted."""
  runs = [root for root, _, files in os.walk(path) if CONFIG_FILE in files]
  return sorted(runs)


def load(path: str, split: str = "eval") -> pd.DataFrame:
  """One row per run and logged step of ``split``; see the module docstring for columns."""
  if split not in SPLITS:
    raise ValueError(f"split={split!r}; allowed: {SPLITS}")
  if not os.path.isdir(path):
    raise ValueError(f"results path {path!r} is not a directory")
  runs = find_runs(path)
  if not runs:
    raise ValueError(f"no runs (directories with {CONFIG_FILE}) under {path!r}")
  rows = []
  for run_dir in runs:
    with open(run_directory.config_path(run_dir)) as f:
      config = flatten_config(json.load(f))
    run = os.path.relpath(run_dir, path)
    finished = run_directory.is_finished(run_dir)
    for record in run_directory.read_metrics(run_dir):
      if record.get("split") != split:
        continue
      metrics = {k: v for k, v in record.items() if k != "split"}
      rows.append({"run": run, "finished": finished, **metrics, **config})
  frame = pd.DataFrame(rows)
  if frame.empty:
    return frame
  metric_columns = [c for c in frame.columns if c not in ("run", "finished", "step")
                    and "." not in c and c != "task"]
  for column in metric_columns:  # "nan"/"inf" strings (JSON has no NaN) -> floats
    frame[column] = pd.to_numeric(frame[column], errors="coerce")
  return frame.sort_values(["run", "step"], kind="stable").reset_index(drop=True)


def final(frame: pd.DataFrame) -> pd.DataFrame:
  """The last row (highest step) of each run."""
  if frame.empty:
    return frame
  return (frame.sort_values(["run", "step"], kind="stable").groupby("run", sort=True).tail(1)
          .reset_index(drop=True))


def varying_config_columns(frame: pd.DataFrame) -> list[str]:
  """Config columns whose value differs between runs (what a sweep varied)."""
  columns = [c for c in frame.columns if "." in c or c == "task"]
  return [c for c in columns if frame[c].astype(str).nunique() > 1]
