"""Task models built from ``rnnlab.nn``: language model, seq2seq with attention, CTC
recogniser, Listen Attend and Spell, text and tree classifiers."""
from rnnlab.models.classifier import TextClassifier, TreeClassifier
from rnnlab.models.ctc import CTCModel, SpeechRecognizer, ctc_loss
from rnnlab.models.language_model import LanguageModel
from rnnlab.models.las import ListenAttendSpell
from rnnlab.models.losses import token_nll
from rnnlab.models.seq2seq import Seq2Seq, decoder_functions

__all__ = ["CTCModel", "SpeechRecognizer", "ctc_loss", "LanguageModel", "ListenAttendSpell",
           "Seq2Seq", "decoder_functions", "TextClassifier", "TreeClassifier", "token_nll"]
