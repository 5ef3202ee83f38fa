"""Task metrics on decoded text: translation (BLEU, exact match) and speech (CER, WER).

Every corpus metric checks its inputs with :func:`check_sentences` (one message for all).
"""
from rnnlab.metrics import corpus, speech, translation
from rnnlab.metrics.corpus import check_sentences
from rnnlab.metrics.translation import bleu_by_length, corpus_bleu, exact_match

__all__ = ["bleu_by_length", "check_sentences", "corpus", "corpus_bleu", "exact_match", "speech",
           "translation"]
