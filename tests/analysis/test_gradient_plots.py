"""Gradient-flow plots: the drawn lines carry the data, PNGs are written, bad input raises."""
import numpy as np
import pandas as pd
import pytest

from rnnlab.analysis import gradient_plots


def test_gradient_norm_plot_uses_distance_axis_and_batch_means(tmp_path):
  per_example = np.array([[1e-4, 1e-2, 1.0], [3e-4, 3e-2, 3.0]])  # [B=2, T=3]
  fig = gradient_plots.plot_gradient_norms_vs_time({"tanh": per_example, "lstm": [1.0, 1.0, 1.0]})
  ax = fig.axes[0]
  assert ax.get_yscale() == "log"
  tanh_line = ax.get_lines()[0]
  np.testing.assert_array_equal(tanh_line.get_xdata(), [2, 1, 0])
  np.testing.assert_allclose(tanh_line.get_ydata(), [2e-4, 2e-2, 2.0])
  assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tanh", "lstm"]
  fig2 = gradient_plots.plot_gradient_norms_vs_time({"u": [0.0, 1e-3, 1.0]}, x_axis="t")
  ydata = fig2.axes[0].get_lines()[0].get_ydata()
  assert np.isnan(ydata[0]) and ydata[2] == 1.0  # underflowed zeros are not drawn
  path = gradient_plots.save_png(fig, str(tmp_path / "sub" / "g.png"))
  with open(path, "rb") as f:
    assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_metric_plot_averages_repeats():
  frame = pd.DataFrame({"cell": ["a", "a", "a", "b"], "T": [50, 50, 100, 50],
                        "mse": [0.1, 0.3, 0.5, 0.05]})
  fig = gradient_plots.plot_metric_vs(frame, x="T", y="mse", group="cell", baseline=0.167)
  lines = fig.axes[0].get_lines()
  np.testing.assert_allclose(lines[0].get_ydata(), [0.2, 0.5])
  np.testing.assert_allclose(lines[1].get_ydata(), [0.05])


def test_bad_inputs_raise(tmp_path):
  with pytest.raises(ValueError, match="x_axis='time'"):
    gradient_plots.plot_gradient_norms_vs_time({"a": [1.0, 2.0]}, x_axis="time")
  with pytest.raises(ValueError, match="shape"):
    gradient_plots.plot_jacobian_norms({"a": np.ones((2, 2, 2))})
  with pytest.raises(ValueError, match="column 'nope'"):
    gradient_plots.plot_metric_vs(pd.DataFrame({"a": [1]}), x="nope", y="a", group="a")
  fig = gradient_plots.plot_jacobian_norms({"a": [0.5, 1.5]})
  with pytest.raises(ValueError, match="ending in .png"):
    gradient_plots.save_png(fig, str(tmp_path / "g.jpg"))
