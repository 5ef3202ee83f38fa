"""Classification metrics (scikit-learn): accuracy, macro and per-class P/R/F1, confusion matrix.

Seed 002 ("assess model performance using metrics like accuracy, precision, recall, and
F1-score"). Labels are class ids ``0 .. K-1`` (``len(class_names) = K``); a class that is
never predicted has precision 0 (scikit-learn's ``zero_division=0``), one that never occurs
has recall 0 and support 0. Macro averages weight every class equally (classes absent from
both the labels and the predictions count with 0 too, as ``labels=range(K)`` makes
scikit-learn do), so a classifier that ignores rare classes is not flattered.
"""
from typing import Sequence

import jax.numpy as jnp
import numpy as np
import optax
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


# ---- inside the jitted eval step: sums the train loop adds up over batches --------------

def loss_and_accuracy_sums(logits, labels, weights) -> dict:
  """Jit-able ``{"loss": (total, count), "accuracy": (total, count)}`` of one batch
  (softmax cross-entropy in nats per example; logits ``[B, C]``, int labels ``[B]``, float
  weights ``[B]``, 0 for padding rows). Padding rows are selected away before any arithmetic,
  so whatever they hold (NaN logits, an out-of-range label) reaches neither sum."""
  return _loss_and_accuracy(logits, labels, weights)[0]


def _loss_and_accuracy(logits, labels, weights):
  real = weights > 0
  safe_logits = jnp.where(real[:, None], logits, jnp.zeros((), logits.dtype))
  safe_labels = jnp.where(real, labels, 0)
  losses = optax.softmax_cross_entropy_with_integer_labels(safe_logits, safe_labels)
  predictions = jnp.argmax(safe_logits, axis=-1)
  count = jnp.sum(jnp.where(real, 1.0, 0.0))
  sums = {"loss": (jnp.sum(jnp.where(real, losses, 0.0)), count),
          "accuracy": (jnp.sum(real & (predictions == safe_labels)), count)}
  return sums, real, predictions, safe_labels


def eval_sums(logits, labels, weights, num_classes: int) -> dict:
  """Jit-able sums of one batch for ``Task.eval_step``: ``name -> (total, count)``.

  ``loss`` (softmax cross-entropy, nats per example), ``accuracy``, and per class ``k`` the
  counts ``tp_k``, ``fp_k``, ``fn_k`` (each divided by the same example count, so their
  ratios, and :func:`finalize_eval_metrics`'s macro-F1, are exact over the whole set).
  Rows with weight 0 (padding) count nowhere.

  Args:
    logits: float ``[B, C]``.
    labels: int ``[B]``.
    weights: float ``[B]``, 1 for real rows and 0 for padding rows.
    num_classes: C.
  """
  sums, real, predictions, safe_labels = _loss_and_accuracy(logits, labels, weights)
  count = sums["loss"][1]
  for k in range(num_classes):
    predicted, actual = real & (predictions == k), real & (safe_labels == k)
    sums[f"tp_{k}"] = (jnp.sum(predicted & actual), count)
    sums[f"fp_{k}"] = (jnp.sum(predicted & ~actual), count)
    sums[f"fn_{k}"] = (jnp.sum(~predicted & actual), count)
  return sums


def finalize_eval_metrics(metrics: dict) -> dict[str, float]:
  """``{"loss", "accuracy", "macro_f1"}`` from the averaged :func:`eval_sums` (of C classes).

  Per-class F1 = 2 tp / (2 tp + fp + fn) (0 for a class neither present nor predicted, as
  scikit-learn's ``zero_division=0``); macro-F1 is their unweighted mean over all C classes.
  """
  f1 = []
  for k in range(sum(name.startswith("tp_") for name in metrics)):
    tp, fp, fn = metrics[f"tp_{k}"], metrics[f"fp_{k}"], metrics[f"fn_{k}"]
    f1.append(2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0)
  return {"loss": metrics["loss"], "accuracy": metrics["accuracy"],
          "macro_f1": float(np.mean(f1))}


EVAL_METRIC_NAMES = ("loss", "accuracy", "macro_f1")  # what finalize_eval_metrics returns


def collect_predictions(logits_fn, batches) -> tuple[np.ndarray, np.ndarray]:
  """``(labels, predicted class ids)`` over ``batches``, padding rows (weight 0) left out.

  Args:
    logits_fn: ``batch -> logits [B, C]`` (e.g. a jitted model apply).
    batches: an iterable of batches with ``labels [B]`` and ``weights [B]``.
  """
  labels, predictions = [], []
  for batch in batches:
    real = np.asarray(batch["weights"]) > 0
    logits = np.asarray(logits_fn(batch))
    labels.append(np.asarray(batch["labels"])[real])
    predictions.append(logits.argmax(axis=-1)[real])
  if not labels:
    raise ValueError("no batches to predict")
  return np.concatenate(labels), np.concatenate(predictions)
