"""Tests of CER/WER."""
import jax
import numpy as np
import pytest

from rnnlab.metrics import speech


def test_hand_counted_rates():
  refs, hyps = ["the cat sat", "hello"], ["the bat sat", "helo"]
  # chars: 11 + 5 = 16 reference characters, 1 substitution + 1 deletion.
  assert speech.cer(refs, hyps) == pytest.approx(2 / 16)
  # words: 3 + 1 = 4 reference words, 2 substitutions.
  assert speech.wer(refs, hyps) == pytest.approx(2 / 4)
  assert speech.error_counts(refs, hyps) == {"char_errors": 2, "chars": 16,
                                             "word_errors": 2, "words": 4}


def test_perfect_and_empty_hypothesis():
  assert speech.cer(["abc"], ["abc"]) == 0.0
  assert speech.cer(["abc"], [""]) == 1.0
  assert speech.wer(["a b"], [""]) == 1.0


def test_bad_input():
  with pytest.raises(ValueError, match="2 references but 1"):
    speech.cer(["a", "b"], ["a"])
  with pytest.raises(ValueError, match="empty"):
    speech.wer([""], ["a"])
  with pytest.raises(ValueError, match="not a str"):
    speech.cer("abc", "abd")


def _levenshtein(a, b):
  """Textbook dynamic programme (oracle)."""
  previous = list(range(len(b) + 1))
  for i, x in enumerate(a, 1):
    current = [i]
    for j, y in enumerate(b, 1):
      current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
    previous = current
  return previous[-1]


def test_jax_edit_distances_match_oracle_and_jiwer():
  rng = np.random.default_rng(0)
  hyps, refs = rng.integers(1, 4, (40, 7)), rng.integers(1, 4, (40, 6))
  hyp_lengths, ref_lengths = rng.integers(0, 8, 40), rng.integers(1, 7, 40)
  distances = np.asarray(jax.jit(speech.edit_distances)(hyps, hyp_lengths, refs, ref_lengths))
  expected = [_levenshtein(list(hyps[b, :hyp_lengths[b]]), list(refs[b, :ref_lengths[b]]))
              for b in range(40)]
  np.testing.assert_array_equal(distances, expected)
  letters = "xabc"
  hyp_text = ["".join(letters[i] for i in hyps[b, :hyp_lengths[b]]) for b in range(40)]
  ref_text = ["".join(letters[i] for i in refs[b, :ref_lengths[b]]) for b in range(40)]
  assert distances.sum() / ref_lengths.sum() == pytest.approx(speech.cer(ref_text, hyp_text))


def test_jax_edit_distances_ignore_whatever_the_padding_holds():
  # Issue 18 item 2: padded ids (negative, huge, equal to real ids) never change a distance.
  rng = np.random.default_rng(1)
  hyps, refs = rng.integers(1, 4, (30, 6)), rng.integers(1, 4, (30, 5))
  hyp_lengths, ref_lengths = rng.integers(0, 7, 30), rng.integers(0, 6, 30)
  distances = jax.jit(speech.edit_distances)
  want = np.asarray(distances(hyps, hyp_lengths, refs, ref_lengths))
  for fill in (-1, 2**30, 2):
    bad_hyps = np.where(np.arange(6)[None, :] < hyp_lengths[:, None], hyps, fill)
    bad_refs = np.where(np.arange(5)[None, :] < ref_lengths[:, None], refs, fill)
    np.testing.assert_array_equal(distances(bad_hyps, hyp_lengths, bad_refs, ref_lengths), want)
