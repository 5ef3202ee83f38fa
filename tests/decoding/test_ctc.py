"""Tests of CTC greedy and prefix beam search decoding against exact enumeration."""
import itertools

import jax
import numpy as np
import optax
import pytest

from rnnlab.decoding import ctc

BLANK = 0


def _log_softmax(x):
  x = x - x.max(-1, keepdims=True)
  return x - np.log(np.exp(x).sum(-1, keepdims=True))


def _exact_labelling_log_probs(log_probs):
  """log P(labelling) for every labelling, summing all V^T alignments (oracle)."""
  t, v = log_probs.shape
  totals = {}
  for path in itertools.product(range(v), repeat=t):
    labelling = tuple(ctc.collapse_ctc(path, BLANK))
    lp = sum(log_probs[i, c] for i, c in enumerate(path))
    totals[labelling] = np.logaddexp(totals.get(labelling, -np.inf), lp)
  return totals


def _optax_log_probs(log_probs, labellings):
  """log P(labels | log_probs) per labelling from optax.ctc_loss (independent code).

  One batched call with labels padded to T, so it compiles once per shape.
  """
  t = log_probs.shape[0]
  labels = np.zeros((len(labellings), t), np.int32)
  label_paddings = np.ones((len(labellings), t), np.float32)
  for i, labelling in enumerate(labellings):
    labels[i, :len(labelling)] = labelling
    label_paddings[i, :len(labelling)] = 0.0
  batch = np.broadcast_to(log_probs[None], (len(labellings),) + log_probs.shape)
  loss = optax.ctc_loss(batch.astype(np.float32), np.zeros((len(labellings), t), np.float32),
                        labels, label_paddings, blank_id=BLANK)
  return -np.asarray(loss, np.float64)


def test_collapse():
  assert ctc.collapse_ctc([1, 1, 0, 1, 2, 2, 0, 0, 3]) == [1, 1, 2, 3]
  assert ctc.collapse_ctc([0, 0]) == []


def test_greedy_respects_lengths():
  logits = np.full((2, 5, 4), -5.0)
  for b, path in enumerate([[1, 1, 0, 2, 3], [2, 0, 2, 3, 3]]):
    logits[b, np.arange(5), path] = 5.0
  assert ctc.greedy_decode(logits, np.array([5, 3])) == [[1, 2, 3], [2, 2]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unbounded_beam_scores_are_exact_probabilities(seed):
  rng = np.random.default_rng(seed)
  log_probs = _log_softmax(rng.standard_normal((5, 3)) * 2.0)
  exact = _exact_labelling_log_probs(log_probs)
  hyps = ctc.prefix_beam_search(log_probs, beam_size=10_000, prune_log_prob=-np.inf)
  assert len(hyps) == len(exact)
  scores = np.array([score for _, score in hyps])
  np.testing.assert_allclose(scores, [exact[tuple(labels)] for labels, _ in hyps],
                             rtol=1e-9, atol=1e-9)
  # optax works in float32: 1e-4 absolute on log-probs of order 1-20.
  np.testing.assert_allclose(scores, _optax_log_probs(log_probs, [l for l, _ in hyps]),
                             atol=1e-4)
  best = max(exact, key=exact.get)
  assert tuple(hyps[0][0]) == best


@pytest.mark.parametrize("seed", range(5))
def test_beam_is_no_worse_than_greedy(seed):
  rng = np.random.default_rng(seed)
  log_probs = _log_softmax(rng.standard_normal((12, 5)) * 3.0)
  greedy = ctc.greedy_decode(log_probs[None])[0]
  beam = ctc.prefix_beam_search(log_probs, beam_size=8)[0][0]
  beam_lp, greedy_lp = _optax_log_probs(log_probs, [beam, greedy])
  assert beam_lp >= greedy_lp - 1e-4


def _lm_log_prob(lm, labelling):
  return sum(lm(tuple(labelling[:i]))[c] for i, c in enumerate(labelling))


# (seed, T, V, logit scale, a frame probability set to 0, lm_weight, insertion_bonus)
_EXHAUSTIVE_CASES = [(0, 4, 3, 1.0, False, 0.0, 0.0), (1, 5, 3, 8.0, False, 0.0, 0.0),
                     (2, 4, 4, 3.0, True, 0.0, 0.0), (3, 4, 4, 2.0, False, 0.7, 0.0),
                     (4, 3, 4, 20.0, True, 0.5, 1.5), (5, 5, 3, 1.0, False, 0.0, -1.0)]


@pytest.mark.parametrize("seed,t,v,scale,zero,lm_weight,bonus", _EXHAUSTIVE_CASES)
def test_beam_as_wide_as_the_labelling_space_is_exhaustive_search(seed, t, v, scale, zero,
                                                                  lm_weight, bonus):
  # Exhaustive search: every labelling's probability summed over all V^T frame paths by
  # brute force, plus the LM and insertion terms; the beam holds all sum_n (V-1)^n labellings.
  rng = np.random.default_rng(seed)
  log_probs = _log_softmax(rng.standard_normal((t, v)) * scale)
  if zero:
    log_probs[rng.integers(t), 1 + rng.integers(v - 1)] = -np.inf
  lm = ctc.ngram_table_lm(_log_softmax(rng.standard_normal((v, v))))
  exact = {labels: lp + lm_weight * _lm_log_prob(lm, labels) + bonus * len(labels)
           for labels, lp in _exact_labelling_log_probs(log_probs).items() if lp > -np.inf}
  width = sum((v - 1) ** n for n in range(t + 1))
  hyps = ctc.prefix_beam_search(log_probs, beam_size=width, lm=lm, lm_weight=lm_weight,
                                insertion_bonus=bonus, prune_log_prob=-np.inf)
  assert sorted(tuple(labels) for labels, _ in hyps) == sorted(exact)
  np.testing.assert_allclose([score for _, score in hyps],
                             [exact[tuple(labels)] for labels, _ in hyps], rtol=1e-9, atol=1e-9)
  scores = [score for _, score in hyps]
  assert scores == sorted(scores, reverse=True)
  assert tuple(hyps[0][0]) == max(exact, key=exact.get)


def test_narrow_beam_can_return_a_less_probable_labelling_than_greedy():
  # Width 1 keeps the prefix [1] after frame 2 and never recovers [1, 2, 1], the best path's
  # labelling; width 2 finds it (the beam is a heuristic below the exhaustive width).
  probs = np.array([[0.02, 0.73, 0.25], [0.27, 0.35, 0.38], [0.35, 0.48, 0.17],
                    [0.18, 0.70, 0.12]])
  log_probs = np.log(probs)
  exact = _exact_labelling_log_probs(log_probs)
  greedy = ctc.greedy_decode(log_probs[None])[0]
  narrow = ctc.prefix_beam_search(log_probs, beam_size=1, prune_log_prob=-np.inf)[0][0]
  assert greedy == [1, 2, 1] and narrow == [1]
  assert exact[(1,)] < exact[(1, 2, 1)]
  assert ctc.prefix_beam_search(log_probs, beam_size=2, prune_log_prob=-np.inf)[0][0] == greedy


def test_beam_finds_labelling_that_greedy_misses():
  # Classic case: greedy picks blank at every frame, but "1" has more total mass.
  log_probs = np.log(np.array([[0.4, 0.35, 0.25], [0.4, 0.35, 0.25]]))
  assert ctc.greedy_decode(log_probs[None])[0] == []
  assert ctc.prefix_beam_search(log_probs, beam_size=4)[0][0] == [1]


def test_lm_fusion_changes_ambiguous_decision_and_zero_weight_is_no_lm():
  # Acoustics slightly prefer label 1 over 2; a bigram LM strongly prefers 2 at the start.
  log_probs = np.log(np.array([[0.05, 0.5, 0.45], [0.9, 0.05, 0.05]]))
  table = np.log(np.array([[1 / 3, 0.02, 0.98 - 1 / 3],
                           [1 / 3, 1 / 3, 1 / 3],
                           [1 / 3, 1 / 3, 1 / 3]]))
  lm = ctc.ngram_table_lm(table)
  assert ctc.prefix_beam_search(log_probs, beam_size=4)[0][0] == [1]
  assert ctc.prefix_beam_search(log_probs, beam_size=4, lm=lm, lm_weight=0.0)[0][0] == [1]
  assert ctc.prefix_beam_search(log_probs, beam_size=4, lm=lm, lm_weight=1.0)[0][0] == [2]


def test_ngram_table_context():
  table = np.arange(27, dtype=np.float64).reshape(3, 3, 3)
  lm = ctc.ngram_table_lm(table)
  np.testing.assert_array_equal(lm(()), table[0, 0])
  np.testing.assert_array_equal(lm((2,)), table[0, 2])
  np.testing.assert_array_equal(lm((1, 2, 1)), table[2, 1])
  with pytest.raises(ValueError, match="n-gram"):
    ctc.ngram_table_lm(np.zeros((3, 4)))


def test_beam_decode_batch_and_bad_input():
  rng = np.random.default_rng(3)
  log_probs = _log_softmax(rng.standard_normal((2, 6, 4)) * 3.0)
  out = ctc.beam_decode(log_probs, np.array([6, 4]), beam_size=4)
  assert out[1] == ctc.prefix_beam_search(log_probs[1, :4], beam_size=4)[0][0]
  with pytest.raises(ValueError, match=r"\[T, V\]"):
    ctc.prefix_beam_search(log_probs)
  with pytest.raises(ValueError, match="beam_size"):
    ctc.prefix_beam_search(log_probs[0], beam_size=0)
  with pytest.raises(ValueError, match="beam_size"):
    ctc.prefix_beam_search(log_probs[0], beam_size=2.5)
  with pytest.raises(ValueError, match="lm_weight=0.5 needs an lm"):
    ctc.prefix_beam_search(log_probs[0], lm_weight=0.5)


def test_greedy_on_jax_arrays():
  logits = jax.numpy.asarray(np.eye(3)[[1, 0, 2]][None] * 4.0)
  assert ctc.greedy_decode(logits) == [[1, 2]]


def test_jax_greedy_matches_host_greedy():
  rng = np.random.default_rng(4)
  logits = rng.standard_normal((4, 10, 5)) * 2.0
  lengths = np.array([10, 7, 1, 0])
  ids, num_ids = jax.jit(ctc.greedy_decode_padded)(logits, lengths)
  expected = ctc.greedy_decode(logits, lengths)
  assert [list(np.asarray(ids)[b, :n]) for b, n in enumerate(np.asarray(num_ids))] == expected
  assert np.all(np.asarray(ids)[np.arange(10)[None, :] >= np.asarray(num_ids)[:, None]] == BLANK)


@pytest.mark.parametrize("name", ["lm_weight", "insertion_bonus"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_fusion_weights_are_refused(name, value):
  # Issue 18 item 8: --lm_weight=nan was accepted and gave an empty transcript.
  log_probs = np.log(np.full((3, 4), 0.25))
  with pytest.raises(ValueError, match=f"{name}={value!r}; allowed: a finite number"):
    ctc.prefix_beam_search(log_probs, beam_size=2, **{name: value})
