"""experiments/captioning/variants.py (the grid and its one budget) and table.py (the README's
tables, read from run directories as a finished sweep leaves them)."""
import importlib.util
import json
import os

from rnnlab import sweep

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDER = os.path.join(ROOT, "experiments", "captioning")


def _module(name):
  spec = importlib.util.spec_from_file_location(f"captioning_{name}",
                                                os.path.join(FOLDER, f"{name}.py"))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_grid_is_variants_by_cells_by_two_seeds_at_one_budget():
  grid = sweep.load_sweep(os.path.join(FOLDER, "variants.py"))
  cells = {(t["model.variant"], t["model.cell"], t["train.seed"]) for t in grid.trials}
  assert len(grid.trials) == len(cells) == 8
  assert cells == {(v, c, s) for v in ("show_and_tell", "show_attend_tell")
                   for c in ("lstm", "gru") for s in (0, 1)}
  assert [t["train.seed"] for t in grid.trials[:4]] == [0, 0, 0, 0]  # seed 0 first
  assert grid.fixed["train.num_steps"] == 400 and grid.fixed["data.image_size"] == 32
  assert _module("variants").make_sweep(default_budget=True).fixed == {}


def _finish(root, variant, cell, seed, bleu_4, finished=True):
  workdir = os.path.join(root, sweep.trial_name({"model.cell": cell, "model.variant": variant,
                                                 "train.seed": seed}))
  os.makedirs(workdir)
  config = {"task": "captioning", "train": {"seed": seed},
            "model": {"variant": variant, "cell": cell, "decoding": {"beam_size": 3}}}
  with open(os.path.join(workdir, "config.json"), "w") as f:
    json.dump(config, f)
  final = {}
  for split in ("test", "validation"):
    for method, offset in (("greedy", 0.0), ("beam", 1.0)):
      final.update({f"{split}_{method}_bleu_1": 2 * bleu_4 + offset,
                    f"{split}_{method}_bleu_4": bleu_4 + offset,
                    f"{split}_{method}_attribute_exact_match": 0.25})
  with open(os.path.join(workdir, "metrics.jsonl"), "w") as f:
    f.write(json.dumps({"step": 400, "split": "final", **final}) + "\n")
  if finished:
    with open(os.path.join(workdir, "final_metrics.json"), "w") as f:
      json.dump({"final": final, "status": "completed", "step": 400}, f)


def test_tables_per_run_and_over_seeds(tmp_path):
  module = _module("table")
  root = str(tmp_path)
  _finish(root, "show_attend_tell", "lstm", 0, 30.0)
  _finish(root, "show_attend_tell", "lstm", 1, 33.0)
  _finish(root, "show_and_tell", "gru", 0, 20.0)
  _finish(root, "show_and_tell", "gru", 1, 99.0, finished=False)  # skipped
  rows = module.table(root).splitlines()
  assert len(rows) == 2 + 3 * 2
  assert rows[2] == "| show_and_tell | gru | 0 | greedy | 40.0 | 20.0 | 0.250 | 20.0 |"
  assert rows[7] == "| show_attend_tell | lstm | 1 | beam 3 | 67.0 | 34.0 | 0.250 | 34.0 |"
  summary = module.seed_summary(root).splitlines()
  assert summary[2:] == [
      "| show_and_tell | gru | greedy | 0 | 20.0 | - |",
      "| show_and_tell | gru | beam 3 | 0 | 21.0 | - |",
      "| show_attend_tell | lstm | greedy | 0,1 | 31.5 | 3.0 |",
      "| show_attend_tell | lstm | beam 3 | 0,1 | 32.5 | 3.0 |"]
