"""Translation data: the embedded English -> French corpus, public TFDS sources, tokenizers,
length-bucketed batching."""
from rnnlab.data.translation import grammar
from rnnlab.data.translation.batching import (BucketedBatches, EncodedPairs, bucket_of,
                                              encode_pairs, evaluation_batches, make_batch)
from rnnlab.data.translation.numbers_corpus import NAME as EMBEDDED_CORPUS
from rnnlab.data.translation.numbers_corpus import RnnlabEnFrNumbers, generate_pairs, split_of
from rnnlab.data.translation.sources import PUBLIC_DATASETS, PairSource, load_split
from rnnlab.data.translation.tokenizers import (BOS_ID, EOS_ID, PAD_ID, UNK_ID, SubwordTokenizer,
                                                WordTokenizer, build_tokenizer, join_pieces,
                                                load_tokenizer, split_pieces)

__all__ = [
    "BOS_ID", "EMBEDDED_CORPUS", "EOS_ID", "PAD_ID", "PUBLIC_DATASETS", "UNK_ID",
    "BucketedBatches", "EncodedPairs", "PairSource", "RnnlabEnFrNumbers", "SubwordTokenizer",
    "WordTokenizer", "bucket_of", "build_tokenizer", "encode_pairs", "evaluation_batches",
    "generate_pairs", "grammar", "join_pieces", "load_split", "load_tokenizer", "make_batch",
    "split_of", "split_pieces",
]
