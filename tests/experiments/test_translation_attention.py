"""experiments/translation/attention_cells.py: the stated grid and budget, and its table read
from final_metrics.json files (a finished trial's ``final`` section)."""
import importlib.util
import json
import os

from rnnlab import sweep

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "experiments", "translation", "attention_cells.py")


def _module():
  spec = importlib.util.spec_from_file_location("translation_attention_cells", SCRIPT)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_grid_order_and_common_budget(monkeypatch):
  module = _module()
  grid = sweep.load_sweep(SCRIPT)
  assert grid.trials == list(module.TRIALS) and len(grid.trials) == 12
  first = [(t["model.attention"], t["train.seed"]) for t in grid.trials[:4]]
  assert first == [("none", 0), ("additive", 0), ("additive", 1), ("none", 1)]
  assert {(t["model.cell"], t["model.attention"]) for t in grid.trials} == {
      (c, a) for c in ("lstm", "gru") for a in ("none", "additive", "general")}
  assert sorted(grid.trials, key=str) == sorted(  # each pair at seeds 0 and 1, once
      [{"train.seed": s, "model.cell": c, "model.attention": a} for s in (0, 1)
       for c in ("lstm", "gru") for a in ("none", "additive", "general")], key=str)
  monkeypatch.chdir(ROOT)  # the config path is relative to the repository root
  config = module.trial_config(grid.trials[-1])
  assert (config.model.cell, config.model.attention, config.train.seed) == ("gru", "general", 1)
  assert config.train.num_steps == module.FIXED["train.num_steps"] == 1200
  assert tuple(config.data.bucket_boundaries) == (16, 32, 72)
  assert config.data.dataset == "rnnlab_en_fr_catalogs"


def _finish(root, overrides, greedy, beam, perplexity=20.0):
  workdir = os.path.join(root, sweep.trial_name(overrides))
  os.makedirs(workdir)
  final = {"test_greedy_bleu": greedy, "test_beam_bleu": beam}
  for method, value in (("greedy", greedy), ("beam", beam)):
    final.update({f"test_{method}_bleu_len_0-9": value + 1, f"test_{method}_bleu_len_10plus":
                  value - 1})
  with open(os.path.join(workdir, "final_metrics.json"), "w") as f:
    json.dump({"eval": {"loss": 3.0, "perplexity": perplexity}, "final": final}, f)
  rows = [{"bucket": "0-9", "count": 7, "bleu": beam + 1}, {"bucket": "10+", "count": 3,
                                                              "bleu": beam - 1}]
  with open(os.path.join(workdir, "bleu_by_length_test.json"), "w") as f:
    json.dump({"edges": [0, 10], "greedy": rows, "beam": rows}, f)


def test_table_rows_and_seed_spread(tmp_path):
  module = _module()
  root = str(tmp_path)
  assert module.table(root) == "no finished trial yet\n"
  _finish(root, {"train.seed": 0, "model.cell": "lstm", "model.attention": "additive"}, 2.0, 3.0)
  _finish(root, {"train.seed": 1, "model.cell": "lstm", "model.attention": "additive"}, 4.0, 5.0, 30.0)
  _finish(root, {"train.seed": 0, "model.cell": "lstm", "model.attention": "none"}, 1.0, 1.5)
  text = module.write_table(root)
  assert open(os.path.join(root, module.TABLE_FILE)).read() == text
  assert "| beam 0-9 (n=7) | beam 10+ (n=3) |" in text
  assert "| lstm | none | 0 | 20.00 | 1.00 | 1.50 | 2.50 | 0.50 |" in text
  assert "| lstm | additive | 1 | 30.00 | 4.00 | 5.00 | 6.00 | 4.00 |" in text
  assert ("| lstm | additive | 2 | 25.00 (20.00 - 30.00) | 3.00 (2.00 - 4.00) | 4.00 (3.00 - 5.00) "
          "| 4.0 / 2.0 |") in text
  assert "| lstm | none | 1 | 20.00 | 1.00 | 1.50 | 2.0 / 0.0 |" in text
