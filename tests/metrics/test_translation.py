import math

import pytest

from rnnlab.metrics import translation

REFS = ["Il a vu trois chats.", "J'ai acheté une pomme rouge.", "Nous avons vendu deux livres."]


def test_perfect_and_hand_counted_bleu():
  assert translation.corpus_bleu(REFS, REFS) == pytest.approx(100.0)
  # 13a splits "chats." into "chats ."; 6 reference tokens, the hypothesis drops "trois" (5):
  # precisions 5/5, 3/4, 1/3, 0/2 -> sacrebleu's default "exp" smoothing turns the zero into
  # 1 / (2 * 2); brevity penalty exp(1 - 6/5). BLEU = BP * (1 * 3/4 * 1/3 * 1/4) ** (1/4).
  want = 100 * math.exp(1 - 6 / 5) * (1 * 3 / 4 * 1 / 3 * 1 / 4) ** 0.25
  got = translation.corpus_bleu(["Il a vu trois chats."], ["Il a vu chats."])
  assert got == pytest.approx(want)
  # one 4-gram mismatch among three sentences: below 100, above 0
  hyps = list(REFS)
  hyps[0] = "Il a vu quatre chats."
  assert 0.0 < translation.corpus_bleu(REFS, hyps) < 100.0


def test_bleu_is_sacrebleu_corpus_bleu():
  import sacrebleu
  hyps = ["Il a vu trois chat.", "J'ai acheté une pomme.", "Nous avons vendu deux livres."]
  want = sacrebleu.corpus_bleu(hyps, [REFS]).score
  assert translation.corpus_bleu(REFS, hyps) == pytest.approx(want)


def test_exact_match():
  assert translation.exact_match(REFS, [REFS[0], "x", REFS[2] + " "]) == pytest.approx(2 / 3)


def test_bleu_by_length_buckets():
  refs = REFS + ["Elle a compté cent arbres."]
  hyps = [REFS[0], "faux", REFS[2], "Elle a compté cent arbres."]
  rows = translation.bleu_by_length(refs, hyps, source_lengths=[3, 12, 5, 40],
                                    edges=(0, 10, 20, 30))
  assert [r["bucket"] for r in rows] == ["0-9", "10-19", "30+"]
  assert [r["count"] for r in rows] == [2, 1, 1]
  assert rows[0]["bleu"] == pytest.approx(100.0) and rows[0]["exact_match"] == 1.0
  assert rows[1]["bleu"] == 0.0 and rows[1]["exact_match"] == 0.0
  assert rows[2]["hi"] is None


def test_bad_input():
  with pytest.raises(ValueError, match="2 references but 1 hypotheses"):
    translation.corpus_bleu(REFS[:2], REFS[:1])
  with pytest.raises(ValueError, match="no sentences"):
    translation.exact_match([], [])
  with pytest.raises(ValueError, match="strictly increasing"):
    translation.bleu_by_length(REFS, REFS, [1, 2, 3], edges=(10, 5))
  with pytest.raises(ValueError, match="must be str"):
    translation.corpus_bleu([b"x"], ["x"])
