import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab.decoding import beam_search, greedy_search
from tests.decoding import toy_decoder as toy

MAX_LEN = 4


def _table_step(first, later):
  """A decoder whose next-token distribution is ``first`` at step 0 and ``later`` after."""
  first, later = jnp.log(jnp.asarray(first)), jnp.log(jnp.asarray(later))

  def step_fn(params, static, dynamic, tokens):
    del params, static, tokens
    log_probs = jnp.where((dynamic["t"] == 0)[:, None], first[None], later[None])
    return log_probs, {"t": dynamic["t"] + 1}, ()

  return step_fn


_ISSUE_STEP = _table_step([0.05, 0.5, 0.05, 0.4], [0.3, 0.2, 0.4, 0.1])


def test_beam_of_one_keeps_an_eos_that_greedy_passes_over():
  # Issue 18 item 1: tokens {0, 1, 2, EOS=3}, BOS 0, max length 4.
  static, dynamic = {"unused": jnp.zeros((1,))}, {"t": jnp.zeros((1,), jnp.int32)}
  greedy = greedy_search(_ISSUE_STEP, {}, static, dynamic, bos_id=0, eos_id=3, max_length=4)
  beam = beam_search(_ISSUE_STEP, {}, static, dynamic, beam_size=1, bos_id=0, eos_id=3,
                     max_length=4, alpha=0.0)
  np.testing.assert_array_equal(greedy.tokens[0], [1, 2, 2, 2])
  np.testing.assert_allclose(greedy.log_prob[0], np.log(0.5 * 0.4 ** 3), rtol=1e-5, atol=1e-5)
  np.testing.assert_array_equal(beam.tokens[0, 0], [3, 0, 0, 0])
  assert int(beam.lengths[0, 0]) == 1
  np.testing.assert_allclose(beam.scores[0, 0], np.log(0.4), rtol=1e-5, atol=1e-5)  # -0.9163
  # A wider beam ranks [EOS], [1 EOS], then greedy's truncated 1 2 2 2 (no empty slot).
  wide = beam_search(_ISSUE_STEP, {}, static, dynamic, beam_size=3, bos_id=0, eos_id=3,
                     max_length=4, alpha=0.0)
  np.testing.assert_array_equal(wide.tokens[0], [[3, 0, 0, 0], [1, 3, 0, 0], [1, 2, 2, 2]])
  np.testing.assert_array_equal(wide.lengths[0], [1, 2, 4])
  np.testing.assert_allclose(wide.scores[0], np.log([0.4, 0.5 * 0.1, 0.5 * 0.4 ** 3]),
                             rtol=1e-5, atol=1e-5)


# Adversarial random decoders: sharp (scale 3) and flat, EOS rare, even and frequent.
_DECODERS = [(seed, eos_bias, scale) for seed, (eos_bias, scale) in enumerate(
    [(0.0, 1.0), (1.5, 1.0), (-1.0, 3.0), (0.5, 3.0), (2.0, 2.0), (0.0, 2.0)])]


@pytest.mark.parametrize("seed,eos_bias,scale", _DECODERS)
def test_beam_of_one_is_greedy_or_an_earlier_eos_scoring_no_lower(seed, eos_bias, scale):
  params = toy.make_params(seed, eos_bias)
  params["out"] = params["out"] * scale
  static, dynamic = toy.make_inputs(16, 100 + seed)
  greedy = greedy_search(toy.step_fn, params, static, dynamic, bos_id=toy.BOS, eos_id=toy.EOS,
                         max_length=5)
  beam = beam_search(toy.step_fn, params, static, dynamic, beam_size=1, bos_id=toy.BOS,
                     eos_id=toy.EOS, max_length=5, alpha=0.0)
  # alpha = 0: never below greedy (greedy's path is always among the beam's candidates).
  assert np.all(np.asarray(beam.scores[:, 0]) >= np.asarray(greedy.log_prob) - 1e-5)
  for row in range(16):
    g_len, b_len = int(greedy.lengths[row]), int(beam.lengths[row, 0])
    g_seq = list(np.asarray(greedy.tokens[row, :g_len]))
    b_seq = list(np.asarray(beam.tokens[row, 0, :b_len]))
    if b_seq == g_seq:  # greedy's own output: same score and attention history
      np.testing.assert_allclose(beam.scores[row, 0], greedy.log_prob[row], rtol=1e-5, atol=1e-5)
      np.testing.assert_allclose(beam.aux[row, 0], greedy.aux[row], rtol=1e-5, atol=1e-5)
    else:  # an EOS right after a proper prefix of greedy's path
      assert b_len < g_len and b_seq == g_seq[:b_len - 1] + [toy.EOS]
      np.testing.assert_allclose(
          beam.scores[row, 0], toy.sequence_log_prob(params, static, dynamic, row, b_seq),
          rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_beam_as_wide_as_the_output_space_ranks_every_output_exactly(alpha):
  # All 85 outputs of length <= 3 (21 EOS-ended, 64 truncated) fit in the beam, so the
  # result is the exhaustive ranking, scores and sequences.
  max_length, rows = 3, 2
  params = toy.make_params(11, eos_bias=0.5)
  params["out"] = params["out"] * 2.0
  static, dynamic = toy.make_inputs(rows, 12)
  beams = len(toy.all_outputs(max_length))
  result = beam_search(toy.step_fn, params, static, dynamic, beam_size=beams, bos_id=toy.BOS,
                       eos_id=toy.EOS, max_length=max_length, alpha=alpha)
  for row in range(rows):
    outputs, scores = toy.exhaustive_ranking(params, static, dynamic, row, max_length, alpha)
    got = [tuple(np.asarray(result.tokens[row, k, :int(result.lengths[row, k])]))
           for k in range(beams)]
    assert sorted(got) == sorted(tuple(o) for o in outputs)  # every output, once
    np.testing.assert_allclose(result.scores[row], scores, rtol=1e-5, atol=1e-5)
    assert got[0] == tuple(outputs[0])


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
      if n < 6 or toy.EOS in seq:  # finished: exactly one EOS, at the end
        assert seq.count(toy.EOS) == 1 and seq[-1] == toy.EOS
      else:  # truncated at max_length (see the module docstring): no EOS
        assert n == 6 and toy.EOS not in seq
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


@pytest.mark.parametrize("alpha", [float("nan"), float("inf"), -0.5])
def test_non_finite_or_negative_length_penalty_is_refused(alpha):
  with pytest.raises(ValueError, match="allowed: >= 0"):
    beam_search(lambda p, s, d, t: None, None, None, jnp.zeros((1, 2)), beam_size=2,
                bos_id=0, eos_id=1, max_length=3, alpha=alpha)
