"""Task metrics: translation (BLEU, exact match), speech (CER, WER), classification
(accuracy, P/R/F1, confusion matrix).

Every corpus metric refuses a bare str with one message (:func:`refuse_bare_str`, called by
:func:`check_sentences` and by the classification metrics). ``classification_plots``
(confusion matrix and attention pictures) imports matplotlib and is loaded on first use:
``from rnnlab.metrics import classification_plots``.
"""
from rnnlab.metrics import classification, corpus, speech, translation
from rnnlab.metrics.classification import (classification_report, confusion_matrix,
                                            loss_and_accuracy_sums, macro_f1)
from rnnlab.metrics.corpus import check_sentences, refuse_bare_str
from rnnlab.metrics.translation import bleu_by_length, corpus_bleu, exact_match

__all__ = ["bleu_by_length", "check_sentences", "classification", "classification_report",
           "loss_and_accuracy_sums",
           "confusion_matrix", "corpus", "corpus_bleu", "exact_match", "macro_f1",
           "refuse_bare_str", "speech", "translation"]
