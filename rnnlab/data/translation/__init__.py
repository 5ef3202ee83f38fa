"""Translation data: the embedded English -> French corpora (gettext catalogs, numbers), your own
parallel files, public TFDS sources, tokenizers, length-bucketed batching, and one data config
loaded (``load_translation_data``)."""
from rnnlab.data.translation import catalog_cleaning, grammar, message_catalogs, parallel_files
from rnnlab.data.translation.catalogs_corpus import NAME as CATALOGS_CORPUS
from rnnlab.data.translation.catalogs_corpus import (PINNED_PACKAGES, CatalogCorpus,
                                                     RnnlabEnFrCatalogs, build_corpus)
from rnnlab.data.translation.batching import (BucketedBatches, EncodedPairs, bucket_of,
                                              encode_pairs, evaluation_batches, make_batch)
from rnnlab.data.translation.numbers_corpus import NAME as EMBEDDED_CORPUS
from rnnlab.data.translation.numbers_corpus import RnnlabEnFrNumbers, generate_pairs, split_of
from rnnlab.data.translation.parallel_files import read_parallel_split
from rnnlab.data.translation.sources import (EMBEDDED_DATASETS, FILES_DATASET, PUBLIC_DATASETS,
                                             PairSource, load_split)
from rnnlab.data.translation.tokenizers import (BOS_ID, EOS_ID, PAD_ID, UNK_ID, SubwordTokenizer,
                                                WordTokenizer, build_tokenizer, join_pieces,
                                                load_tokenizer, split_pieces)
from rnnlab.data.translation.translation_data import TranslationData, load_translation_data

__all__ = [
    "BOS_ID", "CATALOGS_CORPUS", "EMBEDDED_CORPUS", "EMBEDDED_DATASETS", "EOS_ID",
    "FILES_DATASET", "PAD_ID", "PINNED_PACKAGES", "PUBLIC_DATASETS", "UNK_ID", "BucketedBatches",
    "CatalogCorpus", "EncodedPairs", "PairSource", "RnnlabEnFrCatalogs", "RnnlabEnFrNumbers",
    "SubwordTokenizer", "TranslationData", "WordTokenizer", "bucket_of", "build_corpus",
    "build_tokenizer", "catalog_cleaning", "encode_pairs", "evaluation_batches", "generate_pairs",
    "grammar", "join_pieces", "load_split", "load_tokenizer", "load_translation_data",
    "make_batch", "message_catalogs", "parallel_files", "read_parallel_split", "split_of",
    "split_pieces",
]
