"""Classification pictures (PNG, matplotlib Agg): the confusion matrix and attention-pooling
weights over the tokens of a few sentences.

The classification task's final report calls both (``confusion_matrix_test.png``,
``attention_weights_test.png`` in the run directory); they take plain arrays, so a notebook
can draw them for any run too.
"""
import os
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position
import numpy as np  # noqa: E402  pylint: disable=wrong-import-position

from rnnlab.metrics.corpus import refuse_bare_str  # noqa: E402  pylint: disable=wrong-import-position


def _save(fig, path: str) -> str:
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  fig.savefig(path, dpi=120, bbox_inches="tight")
  plt.close(fig)
  return path


def plot_confusion_matrix(matrix, class_names: Sequence[str], path: str,
                          title: str = "confusion matrix") -> str:
  """Draws ``matrix [K, K]`` (row = true class, column = predicted) with counts in the cells,
  colours normalised per true class (row). Returns ``path``.

  Raises ValueError for a bare str of names or a matrix that is not ``K x K``.
  """
  refuse_bare_str("class_names", class_names)
  matrix = np.asarray(matrix)
  k = len(class_names)
  if matrix.shape != (k, k):
    raise ValueError(f"matrix shape {matrix.shape}; allowed: ({k}, {k}) for {k} class names")
  rows = matrix.sum(axis=1, keepdims=True)
  share = np.where(rows > 0, matrix / np.maximum(rows, 1), 0.0)
  size = max(4.0, 0.55 * k + 2.0)
  fig, ax = plt.subplots(figsize=(size + 1.0, size))
  image = ax.imshow(share, cmap="Blues", vmin=0.0, vmax=1.0)
  fig.colorbar(image, ax=ax, fraction=0.046, label="fraction of the true class")
  ax.set_xticks(range(k), labels=class_names, rotation=45, ha="right")
  ax.set_yticks(range(k), labels=class_names)
  ax.set_xlabel("predicted")
  ax.set_ylabel("true")
  ax.set_title(title)
  for i in range(k):
    for j in range(k):
      ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", fontsize=8,
              color="white" if share[i, j] > 0.5 else "black")
  return _save(fig, path)


def plot_attention_weights(sentences: Sequence[Sequence[str]], weights: Sequence[Sequence[float]],
                           path: str, titles: Sequence[str] | None = None) -> str:
  """One row per sentence: its tokens with the attention-pooling weight of each as a bar
  (and the colour of the token). Returns ``path``.

  Args:
    sentences: per sentence, its tokens.
    weights: per sentence, one weight per token (padding already removed).
    path: the PNG to write.
    titles: optional caption per sentence (e.g. ``"true: x  predicted: y"``).

  Raises:
    ValueError: a bare str, no sentences, or a sentence whose weights do not match its tokens.
  """
  refuse_bare_str("sentences", sentences)
  for i, tokens in enumerate(sentences):
    refuse_bare_str(f"sentences[{i}]", tokens)
  if not sentences or len(sentences) != len(weights):
    raise ValueError(f"{len(sentences)} sentences but {len(weights)} weight rows; need the "
                     "same non-zero number")
  if titles is not None and len(titles) != len(sentences):
    raise ValueError(f"{len(titles)} titles for {len(sentences)} sentences")
  for i, (tokens, w) in enumerate(zip(sentences, weights)):
    if len(tokens) != len(w):
      raise ValueError(f"sentence {i} has {len(tokens)} tokens but {len(w)} weights")
  width = max(6.0, 0.45 * max(len(s) for s in sentences) + 1.0)
  fig, axes = plt.subplots(len(sentences), 1, figsize=(width, 1.9 * len(sentences)),
                           squeeze=False)
  cmap = plt.get_cmap("Reds")
  for i, (ax, tokens, w) in enumerate(zip(axes[:, 0], sentences, weights)):
    w = np.asarray(w, np.float64)
    top = max(float(w.max()), 1e-12) if w.size else 1.0
    ax.bar(range(len(tokens)), w, color=[cmap(0.25 + 0.75 * v / top) for v in w])
    ax.set_xticks(range(len(tokens)), labels=tokens, rotation=60, ha="right", fontsize=8)
    ax.set_xlim(-0.5, max(len(tokens), 1) - 0.5)
    ax.set_ylabel("weight")
    if titles is not None:
      ax.set_title(titles[i], fontsize=9, loc="left")
  fig.tight_layout()
  return _save(fig, path)
