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
from typing import Any, Iterator, Mapping

import pandas as pd

CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.jsonl"
FINAL_METRICS_FILE = "final_metrics.json"
SPLITS = ("train", "eval", "final")


def flatten_config(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
  """``{"model": {"cell": "lstm"}}`` -> ``{"model.cell": "lstm"}``; lists become tuples."""
  flat = {}
  for key, value in config.items():
    name = f"{prefix}{key}"
    if isinstance(value, Mapping):
      flat.update(flatten_config(value, prefix=name + "."))
    else:
      flat[name] = tuple(value) if isinstance(value, list) else value
  return flat


def find_runs(path: str) -> list[str]:
  """Run directories (those with a ``config.json``) at or below ``path``, sorted."""
  runs = [root for root, _, files in os.walk(path) if CONFIG_FILE in files]
  return sorted(runs)


def _metric_records(run_dir: str) -> Iterator[dict[str, Any]]:
  path = os.path.join(run_dir, METRICS_FILE)
  if not os.path.exists(path):
    return
  with open(path) as f:
    for line in f:
      try:
        yield json.loads(line)
      except json.JSONDecodeError:
        continue  # a line cut short by a killed process


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
    with open(os.path.join(run_dir, CONFIG_FILE)) as f:
      config = flatten_config(json.load(f))
    run = os.path.relpath(run_dir, path)
    finished = os.path.exists(os.path.join(run_dir, FINAL_METRICS_FILE))
    for record in _metric_records(run_dir):
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
