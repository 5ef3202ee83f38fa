"""Every corpus metric refuses a bare str (a sequence of characters) with one message."""
import pytest

from rnnlab import metrics
from rnnlab.metrics import captioning, speech, translation

SENTENCES = ["the cat sat", "on the mat"]

CORPUS_METRICS = {
    "corpus_bleu": metrics.corpus_bleu,
    "exact_match": metrics.exact_match,
    "bleu_by_length": lambda r, h: translation.bleu_by_length(r, h, [3, 3], edges=(0, 5)),
    "cer": speech.cer,
    "wer": speech.wer,
    "error_counts": speech.error_counts,
}
# Multi-reference metrics: references are one list of captions per image.
MULTI_REFERENCE_METRICS = {
    "captioning.corpus_bleu_n": lambda r, h: captioning.corpus_bleu_n(r, h, 2),
    "captioning.bleu_1_to_4": captioning.bleu_1_to_4,
}


@pytest.mark.parametrize("name", sorted(CORPUS_METRICS) + sorted(MULTI_REFERENCE_METRICS))
@pytest.mark.parametrize("bare", ["references", "hypotheses"])
def test_bare_string_is_refused_with_the_shared_message(name, bare):
  fn = CORPUS_METRICS.get(name) or MULTI_REFERENCE_METRICS[name]
  wrap = (lambda s: [s]) if name in MULTI_REFERENCE_METRICS else (lambda s: s)
  refs = "the cat sat" if bare == "references" else [wrap(SENTENCES[0])]
  hyps = "the cat sat" if bare == "hypotheses" else SENTENCES[:1]
  with pytest.raises(ValueError) as raised:
    fn(refs, hyps)
  with pytest.raises(ValueError) as shared:
    metrics.refuse_bare_str(bare, "the cat sat")
  assert str(raised.value) == str(shared.value)
  assert str(raised.value) == (
      f"{bare} must be a sequence with one entry per example (e.g. a list of str), not a "
      "single str (not a str, whose characters would be scored as examples); got 'the cat sat'")


@pytest.mark.parametrize("name", sorted(CORPUS_METRICS) + sorted(MULTI_REFERENCE_METRICS))
def test_lists_of_sentences_are_scored(name):
  if name in MULTI_REFERENCE_METRICS:
    assert MULTI_REFERENCE_METRICS[name]([[s] for s in SENTENCES], SENTENCES) is not None
  else:
    assert CORPUS_METRICS[name](SENTENCES, SENTENCES) is not None


def test_check_sentences_other_faults():
  metrics.check_sentences(SENTENCES, SENTENCES)
  with pytest.raises(ValueError, match="hypotheses must be str sentences; got an item of type int"):
    metrics.check_sentences(SENTENCES, ["a", 3])
  with pytest.raises(ValueError, match="2 references but 1 hypotheses"):
    metrics.check_sentences(SENTENCES, ["a"])
  with pytest.raises(ValueError, match="not a str"):
    metrics.check_sentences(b"the cat", ["a"])
