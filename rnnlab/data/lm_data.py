"""One language-modelling data config, loaded: the tokenized corpus and its batches.

``load_lm_data(data)`` takes the language-model task's ``config.data`` section (keys
``dataset``, ``path``, ``data_dir``, ``max_documents``, ``tokenizer``, ``max_vocab_size``,
``min_count``; ``mode``, ``seq_len`` and ``bucket_boundaries`` for the batches) and returns
an :class:`LMData`: the tokenizer (vocabulary from the train split) and the int32 ids of
every split, built once per distinct config and process.

Batches (numpy, ``B`` rows): ``inputs [B, T]``, ``targets [B, T]``, ``mask [B, T]``
(float32), ``lengths [B]`` in ``sentences`` mode, ``chars [B, T]`` (= ``mask``: each target
is one character) for character models; :func:`lm_split_batches` adds ``reset [B]``
(``tbptt``: True on a split's first segment) and ``first [B]``.
"""
import dataclasses
import functools
from typing import Any, Iterable

import ml_collections
import numpy as np

from rnnlab.data import corpus_loader
from rnnlab.data import sentence_batching
from rnnlab.data import tbptt
from rnnlab.data import text_corpus
from rnnlab.data import tokenizers
from rnnlab.data import vocabulary

Batch = dict[str, np.ndarray]


@dataclasses.dataclass(frozen=True)
class LMData:
  """A tokenized corpus: the tokenizer (vocabulary from train) and int32 ids per split."""
  tokenizer: Any
  corpus: Any
  ids: dict[str, np.ndarray]

  @property
  def vocab_size(self) -> int:
    return self.tokenizer.vocab_size


@functools.lru_cache(maxsize=4)
def _load(dataset: str, path: str, data_dir: str, max_documents: int, kind: str,
          max_vocab_size: int, min_count: int) -> LMData:
  corpus = corpus_loader.load_corpus(dataset, path=path or None, data_dir=data_dir or None,
                                     max_documents=max_documents or None)
  train_text = corpus.text("train")
  if not train_text.strip():
    raise ValueError(f"the train split of {corpus.name!r} is empty; a language model needs "
                     "training text")
  if kind == "word":
    tokenizer = tokenizers.build_tokenizer(kind, train_text, max_size=max_vocab_size or None,
                                           min_count=min_count)
  else:
    tokenizer = tokenizers.build_tokenizer(kind, train_text)
  ids = {split: tokenizer.encode(corpus.text(split), on_unseen="unk")
         for split in text_corpus.SPLITS}
  return LMData(tokenizer=tokenizer, corpus=corpus, ids=ids)


def load_lm_data(data: ml_collections.ConfigDict) -> LMData:
  """The corpus and tokenizer of the ``config.data`` section ``data`` (cached per process).

  Raises ValueError for an empty train split (and whatever ``load_corpus`` refuses).
  """
  return _load(data.dataset, data.path, data.data_dir, data.max_documents, data.tokenizer,
               data.max_vocab_size, data.min_count)


def _sentence_delimiter(tokenizer) -> int:
  """``<eos>`` for word models, the newline for character models."""
  if tokenizer.vocabulary.kind == "word":
    return tokenizer.vocabulary.token_to_id[vocabulary.EOS]
  newline = tokenizer.vocabulary.token_to_id.get("\n")
  if newline is None:
    raise ValueError("data.mode='sentences' with a char tokenizer needs newlines in the "
                     "train text (they delimit the sentences)")
  return newline


def lm_sentence_batches(data: ml_collections.ConfigDict, lm: LMData, split: str,
                        batch_size: int, *, shuffle: bool, seed: int
                        ) -> sentence_batching.SentenceBatches:
  """``sentences`` mode: each non-empty line of ``split`` as ``[delimiter, tokens,
  delimiter]``, padded to ``data.bucket_boundaries`` (``()``: the longest in the batch).

  Raises ValueError when the split has no non-empty line.
  """
  sequences = sentence_batching.lm_sentences(lm.corpus.lines(split), lm.tokenizer,
                                             _sentence_delimiter(lm.tokenizer))
  if not sequences:
    raise ValueError(f"the {split} split of {lm.corpus.name!r} has no non-empty lines")
  bounds = tuple(data.bucket_boundaries) or None
  return sentence_batching.SentenceBatches(sequences, batch_size, bucket_boundaries=bounds,
                                           shuffle=shuffle, seed=seed)


def lm_model_inputs(batch: Batch, char_level: bool) -> Batch:
  """Only the ``[B, ...]`` arrays the model and loss read (the mesh shards every array)."""
  out = {k: np.asarray(batch[k]) for k in ("inputs", "targets", "mask")}
  if "lengths" in batch:
    out["lengths"] = np.asarray(batch["lengths"])
  if char_level:
    out["chars"] = out["mask"]  # each target token is one character
  return out


def lm_split_batches(data: ml_collections.ConfigDict, split: str, *, batch_size: int,
                     seed: int = 0) -> Iterable[Batch]:
  """Every prediction of ``split`` exactly once, in order, as eval batches.

  ``tbptt``: the split's stream in ``batch_size`` parallel streams of ``seq_len`` segments
  (the last padded and masked), ``reset [B]`` True on the first segment. ``sentences``:
  padded sentence batches in corpus order (``seed`` is the unshuffled batches' seed). Every
  batch also has ``first [B]``: 1.0 in row 0 of the first batch only (so ``num_tokens``
  sums to the split's token count).
  """
  lm = load_lm_data(data)
  char_level = data.tokenizer == "char"
  if data.mode == "tbptt":
    source = tbptt.TBPTTBatches(lm.ids[split], batch_size, data.seq_len,
                                drop_remainder=False, name=split)
  else:
    source = lm_sentence_batches(data, lm, split, batch_size, shuffle=False, seed=seed)
  for position in range(source.num_segments if data.mode == "tbptt" else source.num_batches):
    raw = source.batch(position)
    batch = lm_model_inputs(raw, char_level)
    if data.mode == "tbptt":
      batch["reset"] = np.full((batch_size,), bool(raw["reset"]))
    first = np.zeros((batch_size,), np.float32)
    first[0] = 1.0 if position == 0 else 0.0
    batch["first"] = first
    yield batch
