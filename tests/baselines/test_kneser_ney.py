"""Interpolated Kneser-Ney: a hand-checked example, normalisation, a dict oracle, errors."""
import collections
import math

import numpy as np
import pytest

from rnnlab.baselines import kneser_ney

# float64 sums of V probabilities: exact up to rounding.
NORMALISATION_TOL = 1e-12


def test_hand_checked_bigram_example():
  # "a b a b c" with a=0, b=1, c=2, V=3, order 2. Bigram counts ab=2, ba=1, bc=1:
  # n1=2, n2=1 -> D2 = 2/(2+2) = 0.5. Continuation counts a,b,c = 1,1,1 (n2=0 -> D1=0.5):
  # P1 = (1-0.5)/3 + 0.5*3/3/3 = 1/3 each.
  # P(b|a) = (2-0.5)/2 + 0.5*1/2*1/3 = 5/6;  P(a|b) = P(c|b) = (1-0.5)/2 + 0.5*2/2/3 = 5/12;
  # P(b|b) = 0.5*2/2/3 = 1/6;  context c never precedes anything -> P1 = 1/3.
  model = kneser_ney.KneserNeyLM.fit(np.array([0, 1, 0, 1, 2]), vocab_size=3, order=2)
  assert [t.discount for t in model.tables] == [0.5, 0.5]
  np.testing.assert_allclose(np.exp(model.log_probs(np.array([0, 1, 0, 1, 2]))),
                             [5 / 6, 5 / 12, 5 / 6, 5 / 12], rtol=1e-12)
  np.testing.assert_allclose(model.next_token_probs([1]), [5 / 12, 1 / 6, 5 / 12], rtol=1e-12)
  np.testing.assert_allclose(model.next_token_probs([2]), [1 / 3] * 3, rtol=1e-12)
  np.testing.assert_allclose(model.next_token_probs([]), [1 / 3] * 3, rtol=1e-12)


def _oracle_log_probs(train, test, vocab_size, order):
  """A direct dict-of-tuples transcription of the interpolated KN formulas."""
  raw = collections.Counter()
  for k in range(1, order + 1):
    for i in range(k - 1, len(train)):
      raw[tuple(train[i - k + 1:i + 1])] += 1
  left_extensions = collections.defaultdict(set)
  for gram in raw:
    if len(gram) >= 2:
      left_extensions[gram[1:]].add(gram[0])

  def count(gram):
    return raw[gram] if len(gram) == order else len(left_extensions[gram])

  by_order = [[g for g in raw if len(g) == k and count(g) > 0] for k in range(order + 1)]

  def discount(k):
    values = [count(g) for g in by_order[k]]
    n1, n2 = values.count(1), values.count(2)
    return 0.5 if n1 == 0 or n2 == 0 else n1 / (n1 + 2 * n2)

  discounts = {k: discount(k) for k in range(1, order + 1)}
  totals = collections.defaultdict(float)
  types = collections.defaultdict(float)
  for k in range(1, order + 1):
    for g in by_order[k]:
      totals[g[:-1]] += count(g)
      types[g[:-1]] += 1

  def prob(context, w):
    p = 1.0 / vocab_size
    for k in range(1, order + 1):
      if len(context) < k - 1:
        break
      h = tuple(context[len(context) - (k - 1):]) if k > 1 else ()
      if totals[h] == 0:
        continue
      d = discounts[k]
      p = (max(count(h + (w,)) - d, 0) + d * types[h] * p) / totals[h]
    return p

  return np.array([math.log(prob(list(test[max(0, i - order + 1):i]), test[i]))
                   for i in range(1, len(test))])


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_dict_oracle(order):
  rng = np.random.default_rng(order)
  train = rng.integers(0, 6, size=300)
  test = rng.integers(0, 7, size=60)  # id 6 never occurs in train
  model = kneser_ney.KneserNeyLM.fit(train, vocab_size=7, order=order)
  np.testing.assert_allclose(model.log_probs(test), _oracle_log_probs(
      list(train), list(test), 7, order), rtol=1e-10)


@pytest.mark.parametrize("order", [1, 3, 5])
def test_distribution_sums_to_one(order):
  rng = np.random.default_rng(0)
  # Skewed stream so counts of counts are non-trivial; ids 9 and 10 are unseen.
  train = np.minimum(rng.geometric(0.3, size=2000) - 1, 8)
  model = kneser_ney.KneserNeyLM.fit(train, vocab_size=11, order=order)
  contexts = [[], list(train[:4]), list(train[100:104]), [10, 9, 10, 9], [0], [8, 8, 8, 8]]
  for context in contexts:
    probs = model.next_token_probs(context)
    assert probs.shape == (11,)
    assert np.all(probs > 0)
    assert abs(probs.sum() - 1.0) < NORMALISATION_TOL, (context, probs.sum())


def test_log_probs_agree_with_next_token_probs():
  rng = np.random.default_rng(1)
  train = rng.integers(0, 5, size=500)
  test = rng.integers(0, 5, size=40)
  model = kneser_ney.KneserNeyLM.fit(train, vocab_size=5, order=4)
  expected = [math.log(model.next_token_probs(test[max(0, i - 3):i])[test[i]])
              for i in range(1, 40)]
  np.testing.assert_allclose(model.log_probs(test), expected, rtol=1e-12)


def test_evaluate_units_and_higher_order_helps_on_repetitive_text():
  text = np.array([0, 1, 2, 3] * 50 + [0, 2, 1, 3] * 50)
  scores = {order: kneser_ney.KneserNeyLM.fit(text, 4, order).evaluate(text, num_chars=100)
            for order in (1, 3)}
  s = scores[3]
  assert s["num_predictions"] == len(text) - 1
  assert s["perplexity"] == pytest.approx(math.exp(s["nll"]), rel=1e-12)
  assert s["bits_per_token"] == pytest.approx(s["nll"] / math.log(2), rel=1e-12)
  assert s["bits_per_char"] == pytest.approx(s["nll"] * (len(text) - 1) / math.log(2) / 100)
  assert scores[3]["nll"] < scores[1]["nll"]


def test_fit_best_order_picks_lowest_valid_nll():
  rng = np.random.default_rng(2)
  pattern = rng.integers(0, 8, size=30)
  train = np.tile(pattern, 40)
  valid = np.tile(pattern, 3)
  best, valid_nll = kneser_ney.fit_best_order(train, valid, 8, orders=[1, 2, 3])
  assert set(valid_nll) == {1, 2, 3}
  assert best.order == min(valid_nll, key=valid_nll.get)


@pytest.mark.parametrize("kwargs, match", [
    (dict(tokens=[0, 1, 5], vocab_size=3, order=2), r"\[0, 3\)"),
    (dict(tokens=[0, 1, 2], vocab_size=3, order=0), "order must be >= 1"),
    (dict(tokens=[0], vocab_size=3, order=2), "at least order=2"),
    (dict(tokens=[[0, 1]], vocab_size=3, order=1), "1-D integer"),
])
def test_bad_fit_inputs_raise(kwargs, match):
  with pytest.raises(ValueError, match=match):
    kneser_ney.KneserNeyLM.fit(np.array(kwargs.pop("tokens")), **kwargs)


def test_bad_score_inputs_raise():
  model = kneser_ney.KneserNeyLM.fit(np.array([0, 1, 2, 1]), vocab_size=3, order=2)
  with pytest.raises(ValueError, match="at least 2 tokens"):
    model.log_probs(np.array([1]))
  with pytest.raises(ValueError, match=r"\[0, 3\)"):
    model.log_probs(np.array([1, 3]))
  with pytest.raises(ValueError, match="at least one order"):
    kneser_ney.fit_best_order(np.array([0, 1, 2]), np.array([0, 1]), 3, orders=[])
