"""Tests of CER/WER."""
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
