"""Classification metrics against hand counts; bad input is refused."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab.metrics import classification

NAMES = ["a", "b", "c"]
LABELS = [0, 0, 0, 1, 1, 2]
PREDICTIONS = [0, 0, 1, 1, 2, 0]


def test_hand_counted_report():
  report = classification.classification_report(LABELS, PREDICTIONS, NAMES)
  # confusion: a -> (a 2, b 1); b -> (b 1, c 1); c -> (a 1)
  assert report["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [1, 0, 0]]
  assert report["accuracy"] == pytest.approx(3 / 6)
  # a: P 2/3 R 2/3 F1 2/3; b: P 1/2 R 1/2 F1 1/2; c: never right -> 0 (zero_division=0)
  assert report["per_class"]["a"] == pytest.approx(
      {"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3})
  assert report["per_class"]["b"] == pytest.approx(
      {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
  assert report["per_class"]["c"] == pytest.approx(
      {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1})
  assert report["macro_precision"] == pytest.approx((2 / 3 + 0.5) / 3)
  assert report["macro_recall"] == pytest.approx((2 / 3 + 0.5) / 3)
  assert report["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 3)
  assert classification.macro_f1(LABELS, PREDICTIONS, 3) == pytest.approx(report["macro_f1"])


def test_absent_class_counts_in_macro_average():
  report = classification.classification_report([0, 1], [0, 1], ["x", "y", "z"])
  assert report["accuracy"] == 1.0
  assert report["per_class"]["z"]["support"] == 0
  assert report["macro_f1"] == pytest.approx(2 / 3)
  np.testing.assert_array_equal(classification.confusion_matrix([0, 1], [0, 1], 3),
                                [[1, 0, 0], [0, 1, 0], [0, 0, 0]])


def test_bad_input_is_refused():
  with pytest.raises(ValueError, match="not a str"):
    classification.classification_report("abc", "abc", NAMES)
  with pytest.raises(ValueError, match="not a str"):
    classification.classification_report(LABELS, PREDICTIONS, "abc")
  with pytest.raises(ValueError, match="same length"):
    classification.confusion_matrix([0, 1], [0], 3)
  with pytest.raises(ValueError, match="class id 3; allowed: 0..2"):
    classification.classification_report([0, 3], [0, 1], NAMES)
  with pytest.raises(ValueError, match="no examples"):
    classification.macro_f1([], [], 3)
  with pytest.raises(ValueError, match="integer class ids"):
    classification.macro_f1([0.5], [0], 3)


def test_eval_sums_over_batches_give_the_sklearn_macro_f1():
  rng = np.random.default_rng(0)
  labels = rng.integers(0, 4, size=23)
  logits = rng.normal(size=(23, 4)).astype(np.float32)
  predictions = logits.argmax(axis=1)
  totals = None
  for start in range(0, 23, 8):  # batches of 8, the last padded with weight-0 rows of NaN
    stop = min(start + 8, 23)
    pad = 8 - (stop - start)
    batch_logits = np.concatenate([logits[start:stop], np.full((pad, 4), np.nan, np.float32)])
    batch_labels = np.concatenate([labels[start:stop], np.full(pad, 99)])
    weights = np.concatenate([np.ones(stop - start), np.zeros(pad)]).astype(np.float32)
    sums = jax.jit(classification.eval_sums, static_argnums=3)(
        jnp.asarray(batch_logits), jnp.asarray(batch_labels), jnp.asarray(weights), 4)
    totals = sums if totals is None else jax.tree.map(lambda a, b: a + b, totals, sums)
  averages = {k: float(t) / float(c) for k, (t, c) in totals.items()}
  metrics = classification.finalize_eval_metrics(averages)
  assert set(metrics) == set(classification.EVAL_METRIC_NAMES)
  report = classification.classification_report(labels, predictions, ["a", "b", "c", "d"])
  assert metrics["accuracy"] == pytest.approx(report["accuracy"])
  assert metrics["macro_f1"] == pytest.approx(report["macro_f1"])
  log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
  assert metrics["loss"] == pytest.approx(-log_probs[np.arange(23), labels].mean(), rel=1e-5)
