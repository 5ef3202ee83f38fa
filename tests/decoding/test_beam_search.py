import numpy as np
import pytest

from rnnlab.decoding import beam_search, greedy_search
from tests.decoding import toy_decoder as toy

MAX_LEN = 4


@pytest.mark.parametrize("eos_bias", [0.0, 1.5])
def test_beam_of_one_without_normalisation_is_greedy(eos_bias):
  params = toy.make_params(3, eos_bias)
  static, dynamic = toy.make_inputs(5, 4)
  greedy = greedy_search(toy.step_fn, params, static, dynamic, bos_id=toy.BOS, eos_id=toy.EOS,
                         max_length=8)
  beam = beam_search(toy.step_fn, params, static, dynamic, beam_size=1, bos_id=toy.BOS,
                     eos_id=toy.EOS, max_length=8, alpha=0.0)
  np.testing.assert_array_equal(beam.tokens[:, 0], greedy.tokens)
  np.testing.assert_array_equal(beam.lengths[:, 0], greedy.lengths)
  finished = np.asarray(greedy.lengths) < 8
  np.testing.assert_allclose(np.asarray(beam.scores[:, 0])[finished],
                             np.asarray(greedy.log_prob)[finished], rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(beam.aux[:, 0], greedy.aux, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_wide_beam_finds_the_exhaustive_optimum(alpha):
  # beam_size = (V - 1) ** (L - 1) keeps every EOS-free prefix alive, so the search is exact.
  params = toy.make_params(5, eos_bias=-0.5)
  static, dynamic = toy.make_inputs(2, 6)
  beams = (toy.VOCAB - 1) ** (MAX_LEN - 1)
  result = beam_search(toy.step_fn, params, static, dynamic, beam_size=beams, bos_id=toy.BOS,
                       eos_id=toy.EOS, max_length=MAX_LEN, alpha=alpha)
  for row in range(2):
    score, seq = toy.exhaustive_best(params, static, dynamic, row, MAX_LEN, alpha)
    n = int(result.lengths[row, 0])
    assert list(np.asarray(result.tokens[row, 0, :n])) == seq
    np.testing.assert_allclose(result.scores[row, 0], score, rtol=1e-5, atol=1e-5)
    assert np.all(np.diff(np.asarray(result.scores[row])) <= 0)  # best first


def test_scores_are_the_normalised_log_probs_of_the_returned_sequences():
  params = toy.make_params(7, eos_bias=0.5)
  static, dynamic = toy.make_inputs(3, 8)
  result = beam_search(toy.step_fn, params, static, dynamic, beam_size=3, bos_id=toy.BOS,
                       eos_id=toy.EOS, max_length=6, alpha=0.6)
  for row in range(3):
    for k in range(3):
      n = int(result.lengths[row, k])
      seq = list(np.asarray(result.tokens[row, k, :n]))
      assert seq.count(toy.EOS) == 1 and seq[-1] == toy.EOS
      want = toy.sequence_log_prob(params, static, dynamic, row, seq) / ((5.0 + n) / 6.0) ** 0.6
      np.testing.assert_allclose(result.scores[row, k], want, rtol=1e-5, atol=1e-5)
      assert np.all(np.asarray(result.tokens[row, k, n:]) == 0)


def test_no_eos_within_max_length_returns_alive_hypotheses():
  params = toy.make_params(1, eos_bias=-50.0)
  static, dynamic = toy.make_inputs(2, 2)
  result = beam_search(toy.step_fn, params, static, dynamic, beam_size=2, bos_id=toy.BOS,
                       eos_id=toy.EOS, max_length=3, alpha=0.0)
  np.testing.assert_array_equal(result.lengths, 3)
  assert not np.any(np.asarray(result.tokens) == toy.EOS)
  seq = list(np.asarray(result.tokens[0, 0]))
  np.testing.assert_allclose(result.scores[0, 0],
                             toy.sequence_log_prob(params, static, dynamic, 0, seq), rtol=1e-5,
                             atol=1e-5)


def test_bad_arguments():
  params = toy.make_params(0)
  static, dynamic = toy.make_inputs(1, 0)
  with pytest.raises(ValueError, match="beam_size=0"):
    beam_search(toy.step_fn, params, static, dynamic, beam_size=0, bos_id=1, eos_id=2,
                max_length=3)
  with pytest.raises(ValueError, match="alpha=-1"):
    beam_search(toy.step_fn, params, static, dynamic, beam_size=2, bos_id=1, eos_id=2,
                max_length=3, alpha=-1.0)
