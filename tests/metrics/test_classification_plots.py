"""Classification plots: PNGs are written, drawn values carry the data, bad input raises."""
import matplotlib.image
import numpy as np
import pytest

from rnnlab.metrics import classification_plots


def _is_png(path):
  with open(path, "rb") as f:
    return f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_confusion_matrix_png(tmp_path):
  path = classification_plots.plot_confusion_matrix(
      [[3, 1], [0, 2]], ["neg", "pos"], str(tmp_path / "sub" / "cm.png"))
  assert _is_png(path)
  height, width, _ = matplotlib.image.imread(path).shape
  assert height > 100 and width > 100


def test_attention_weights_png(tmp_path):
  path = classification_plots.plot_attention_weights(
      [["the", "movie", "was", "good"], ["bad"]], [[0.1, 0.2, 0.1, 0.6], [1.0]],
      str(tmp_path / "att.png"), titles=["true: pos", "true: neg"])
  assert _is_png(path)


def test_bad_input(tmp_path):
  out = str(tmp_path / "x.png")
  with pytest.raises(ValueError, match="not a str"):
    classification_plots.plot_confusion_matrix([[1]], "a", out)
  with pytest.raises(ValueError, match=r"\(2, 2\)"):
    classification_plots.plot_confusion_matrix(np.ones((3, 3)), ["a", "b"], out)
  with pytest.raises(ValueError, match="not a str"):
    classification_plots.plot_attention_weights("abc", [[1.0]], out)
  with pytest.raises(ValueError, match="2 tokens but 1 weights"):
    classification_plots.plot_attention_weights([["a", "b"]], [[1.0]], out)
