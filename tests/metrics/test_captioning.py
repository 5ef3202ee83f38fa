"""Captioning BLEU-1..4: hand-computed values, multi-reference clipping, padding, bad input."""
import math

import pytest

from rnnlab.metrics import captioning


def test_bleu_1_is_clipped_unigram_precision_over_all_references():
  # hypothesis "the the cat": "the" clipped to its max count over references (2 in ref b).
  refs = [["the cat sat", "the the dog"]]
  hyp = ["the the cat"]
  # precision 3/3; closest reference length 3 -> no brevity penalty.
  assert captioning.corpus_bleu_n(refs, hyp, 1) == pytest.approx(100.0)
  assert captioning.corpus_bleu_n([["the cat sat"]], hyp, 1) == pytest.approx(200 / 3)


def test_bleu_2_by_hand():
  refs = [["a red circle on the left"]]
  hyp = ["a red circle on the right"]  # unigrams 5/6, bigrams 4/5, same length
  expected = 100 * math.sqrt((5 / 6) * (4 / 5))
  assert captioning.corpus_bleu_n(refs, hyp, 2) == pytest.approx(expected, rel=1e-6)


def test_padding_unequal_reference_counts_changes_nothing():
  refs = [["a big blue box", "a large blue square"], ["two red discs"]]
  hyps = ["a big blue square", "two red discs"]
  padded = [refs[0], ["two red discs", "two red discs"]]
  for n in (1, 2, 3, 4):
    assert captioning.corpus_bleu_n(refs, hyps, n) == captioning.corpus_bleu_n(padded, hyps, n)
  scores = captioning.bleu_1_to_4(refs, hyps)
  assert list(scores) == ["bleu_1", "bleu_2", "bleu_3", "bleu_4"]
  assert scores["bleu_1"] >= scores["bleu_4"]


def test_bad_input_is_refused():
  with pytest.raises(ValueError, match="not a single str"):
    captioning.corpus_bleu_n([["a"]], "a", 1)
  with pytest.raises(ValueError, match=r"references\[0\] must be a non-empty list of str"):
    captioning.corpus_bleu_n(["a cat"], ["a cat"], 1)
  with pytest.raises(ValueError, match="2 reference lists but 1 hypotheses"):
    captioning.corpus_bleu_n([["a"], ["b"]], ["a"], 1)
  with pytest.raises(ValueError, match="max_order=5"):
    captioning.corpus_bleu_n([["a"]], ["a"], 5)
