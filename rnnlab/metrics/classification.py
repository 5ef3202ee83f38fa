"""Classification metrics (scikit-learn): accuracy, macro and per-class P/R/F1, confusion matrix.

Seed 002 ("assess model performance using metrics like accuracy, precision, recall, and
F1-score"). Labels are class ids ``0 .. K-1`` (``len(class_names) = K``); a class that is
never predicted has precision 0 (scikit-learn's ``zero_division=0``), one that never occurs
has recall 0 and support 0. Macro averages weight every class equally (classes absent from
both the labels and the predictions count with 0 too, as ``labels=range(K)`` makes
scikit-learn do), so a classifier that ignores rare classes is not flattered.
"""
from typing import Sequence

import numpy as np
from sklearn import metrics as sk_metrics

from rnnlab.metrics.corpus import refuse_bare_str


def _check(labels: Sequence[int], predictions: Sequence[int], num_classes: int
           ) -> tuple[np.ndarray, np.ndarray]:
  refuse_bare_str("labels", labels)
  refuse_bare_str("predictions", predictions)
  labels, predictions = np.asarray(labels), np.asarray(predictions)
  if labels.ndim != 1 or predictions.ndim != 1 or labels.shape != predictions.shape:
    raise ValueError(f"labels {labels.shape} and predictions {predictions.shape} must be 1-D "
                     "and of the same length")
  if labels.size == 0:
    raise ValueError("no examples to score")
  for name, values in (("labels", labels), ("predictions", predictions)):
    if not np.issubdtype(values.dtype, np.integer):
      raise ValueError(f"{name} must be integer class ids, got dtype {values.dtype}")
    bad = values[(values < 0) | (values >= num_classes)]
    if bad.size:
      raise ValueError(f"{name} holds class id {int(bad[0])}; allowed: 0..{num_classes - 1}")
  return labels, predictions


def confusion_matrix(labels: Sequence[int], predictions: Sequence[int], num_classes: int
                     ) -> np.ndarray:
  """``int [K, K]``: row = true class, column = predicted class."""
  labels, predictions = _check(labels, predictions, num_classes)
  return sk_metrics.confusion_matrix(labels, predictions, labels=np.arange(num_classes))


def classification_report(labels: Sequence[int], predictions: Sequence[int],
                          class_names: Sequence[str]) -> dict:
  """Every metric of the module docstring for one split.

  Args:
    labels: true class ids ``[N]``.
    predictions: predicted class ids ``[N]``.
    class_names: the K class names, in id order.

  Returns:
    ``{"accuracy", "macro_precision", "macro_recall", "macro_f1"}`` (floats in [0, 1]),
    ``"per_class": {name: {"precision", "recall", "f1", "support"}}`` and
    ``"confusion_matrix"`` (a list of K rows of K ints; row = true class).

  Raises:
    ValueError: a bare str, different lengths, no examples, or an id outside ``0..K-1``.
  """
  refuse_bare_str("class_names", class_names)
  k = len(class_names)
  labels, predictions = _check(labels, predictions, k)
  ids = np.arange(k)
  precision, recall, f1, support = sk_metrics.precision_recall_fscore_support(
      labels, predictions, labels=ids, zero_division=0)
  return {
      "accuracy": float(sk_metrics.accuracy_score(labels, predictions)),
      "macro_precision": float(np.mean(precision)),
      "macro_recall": float(np.mean(recall)),
      "macro_f1": float(np.mean(f1)),
      "per_class": {name: {"precision": float(p), "recall": float(r), "f1": float(f),
                           "support": int(s)}
                    for name, p, r, f, s in zip(class_names, precision, recall, f1, support)},
      "confusion_matrix": confusion_matrix(labels, predictions, k).tolist(),
  }


def macro_f1(labels: Sequence[int], predictions: Sequence[int], num_classes: int) -> float:
  """Unweighted mean of the K per-class F1 scores."""
  labels, predictions = _check(labels, predictions, num_classes)
  return float(sk_metrics.f1_score(labels, predictions, labels=np.arange(num_classes),
                                   average="macro", zero_division=0))
