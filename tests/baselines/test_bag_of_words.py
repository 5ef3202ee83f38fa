"""Bag-of-words baseline: learns keyword labels, ignores word order (by construction)."""
import numpy as np

from rnnlab.baselines import bag_of_words
from rnnlab.data.classification import sources


def _texts(pairs):
  texts, labels = zip(*pairs)
  return sources.LabelledTexts(list(texts), np.array(labels, np.int32), ("neg", "pos"))


def test_keyword_labels_are_learned_and_order_is_invisible():
  train = _texts([("a good film", 1), ("a bad film", 0), ("good plot", 1), ("bad plot", 0)] * 5)
  test = _texts([("film good", 1), ("plot bad", 0)])
  report = bag_of_words.evaluate(train, test)
  assert report["accuracy"] == 1.0 and report["macro_f1"] == 1.0
  order = _texts([("dog bites man", 1), ("man bites dog", 0)] * 5)
  same_bag = bag_of_words.evaluate(order, _texts([("dog bites man", 1), ("man bites dog", 0)]))
  assert same_bag["accuracy"] == 0.5  # both orders have the same bag of words
