"""rnnlab.analysis.attention_plots.plot_bleu_vs_length from bleu_by_length_<split>.json files
(the run-directory plots of a trained model are in tests/tasks/test_translation.py)."""
import json
import os

import matplotlib.pyplot as plt
import pytest

from rnnlab.analysis import attention_plots


def _run(root, name, bleu):
  workdir = os.path.join(root, name)
  os.makedirs(workdir)
  rows = [{"bucket": "0-9", "count": 5, "bleu": bleu}, {"bucket": "10+", "count": 2,
                                                        "bleu": bleu / 2}]
  with open(os.path.join(workdir, "bleu_by_length_test.json"), "w") as f:
    json.dump({"edges": [0, 10], "greedy": rows, "beam": rows}, f)
  return workdir


def test_one_line_per_run_and_method_named_and_scaled_to_the_data(tmp_path, monkeypatch):
  runs = [_run(str(tmp_path), "a", 12.0), _run(str(tmp_path), "b", 20.0)]
  saved = {}
  monkeypatch.setattr(plt.Figure, "savefig", lambda fig, path, **_: saved.update(fig=fig))
  path = attention_plots.plot_bleu_vs_length(runs, "test", str(tmp_path / "p.png"),
                                             methods=("beam",), names=["none", "additive"])
  assert path == str(tmp_path / "p.png")
  ax = saved["fig"].axes[0]
  assert [line.get_label() for line in ax.get_lines()] == ["none (beam)", "additive (beam)"]
  assert ax.get_ylim() == pytest.approx((0.0, 23.0))  # 1.15 x the highest point, not 103
  attention_plots.plot_bleu_vs_length(runs[:1], "test", str(tmp_path / "q.png"))
  labels = [line.get_label() for line in saved["fig"].axes[0].get_lines()]
  assert labels == ["a (greedy)", "a (beam)"]


def test_bad_arguments_are_named(tmp_path):
  run = _run(str(tmp_path), "a", 10.0)
  out = str(tmp_path / "p.png")
  with pytest.raises(ValueError, match="has no 'sampled' rows; it has \\['beam', 'greedy'\\]"):
    attention_plots.plot_bleu_vs_length([run], "test", out, methods=("sampled",))
  with pytest.raises(ValueError, match="nothing to plot: workdirs=\\[\\], methods="):
    attention_plots.plot_bleu_vs_length([], "test", out)
  with pytest.raises(ValueError, match="methods=\\[\\]; give at least one of each"):
    attention_plots.plot_bleu_vs_length([run], "test", out, methods=())
  with pytest.raises(ValueError, match="2 names for 1 workdirs"):
    attention_plots.plot_bleu_vs_length([run], "test", out, names=["x", "y"])
  with pytest.raises(ValueError, match="bleu_by_length_valid.json does not exist"):
    attention_plots.plot_bleu_vs_length([run], "valid", out)
