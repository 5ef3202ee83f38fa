"""Task metrics on decoded text: translation (BLEU, exact match) and speech (CER, WER).

Every corpus metric refuses a bare str with one message (:func:`refuse_bare_str`, called by
:func:`check_sentences`).
"""
from rnnlab.metrics import corpus, speech, translation
from rnnlab.metrics.corpus import check_sentences, refuse_bare_str
from rnnlab.metrics.translation import bleu_by_length, corpus_bleu, exact_match

__all__ = ["bleu_by_length", "check_sentences", "corpus", "corpus_bleu", "exact_match",
           "refuse_bare_str", "speech", "translation"]
