"""Task metrics on decoded text: translation (BLEU, exact match) and speech (CER, WER)."""
from rnnlab.metrics import speech, translation
from rnnlab.metrics.translation import bleu_by_length, corpus_bleu, exact_match

__all__ = ["bleu_by_length", "corpus_bleu", "exact_match", "speech", "translation"]
