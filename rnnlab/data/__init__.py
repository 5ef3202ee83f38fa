"""Data: TFDS text sources, rnnlab's embedded corpus, tokenizers, batching.

Language-modeling data flows ``load_*`` -> ``TextCorpus`` -> tokenizer -> ``TBPTTBatches``
(streams) or ``SentenceBatches`` (padded sentences); ``load_lm_data`` loads one config's
corpus and ``lm_split_batches`` batches it. Task-specific data lives in the subpackages
``rnnlab.data.speech``, ``rnnlab.data.translation``, ``rnnlab.data.captioning``,
``rnnlab.data.classification`` and ``rnnlab.data.listops``.
"""
from rnnlab.data.char_tokenizer import CharTokenizer
from rnnlab.data.corpus_loader import dataset_names
from rnnlab.data.corpus_loader import load_corpus
from rnnlab.data.lm_data import LMData
from rnnlab.data.lm_data import lm_model_inputs
from rnnlab.data.lm_data import lm_sentence_batches
from rnnlab.data.lm_data import lm_split_batches
from rnnlab.data.lm_data import load_lm_data
from rnnlab.data.pydoc_prose import RnnlabPydocProse
from rnnlab.data.resumable_iterator import ResumableIterator
from rnnlab.data.sentence_batching import SentenceBatches
from rnnlab.data.sentence_batching import lm_sentences
from rnnlab.data.tbptt import TBPTTBatches
from rnnlab.data.text_corpus import SPLITS
from rnnlab.data.text_corpus import TextCorpus
from rnnlab.data.text_files import load_text_files
from rnnlab.data.tfds_text import TFDS_TEXT_DATASETS
from rnnlab.data.tfds_text import load_tfds_corpus
from rnnlab.data.tokenizers import Tokenizer
from rnnlab.data.tokenizers import build_tokenizer
from rnnlab.data.tokenizers import load_tokenizer
from rnnlab.data.tokenizers import save_tokenizer
from rnnlab.data.tokenizers import tokenizer_for
from rnnlab.data.vocabulary import Vocabulary
from rnnlab.data.vocabulary import check_vocabulary_matches
from rnnlab.data.vocabulary import load_vocabulary
from rnnlab.data.vocabulary import save_vocabulary
from rnnlab.data.word_tokenizer import WordTokenizer

__all__ = [
    "CharTokenizer", "LMData", "RnnlabPydocProse", "ResumableIterator", "SentenceBatches",
    "SPLITS", "TBPTTBatches", "TFDS_TEXT_DATASETS", "TextCorpus", "Tokenizer", "Vocabulary",
    "WordTokenizer", "build_tokenizer", "check_vocabulary_matches", "dataset_names",
    "lm_model_inputs", "lm_sentence_batches", "lm_sentences", "lm_split_batches", "load_corpus",
    "load_lm_data", "load_text_files", "load_tfds_corpus", "load_tokenizer", "load_vocabulary",
    "save_tokenizer", "save_vocabulary", "tokenizer_for",
]
