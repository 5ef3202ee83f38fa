"""One translation data config, loaded: its tokenizers and its encoded splits (cached).

``load_translation_data(data)`` takes a ``config.data`` section of the translation task
(keys ``dataset``, ``data_dir``, ``path``, ``source_lang``, ``target_lang``, ``tokenizer``,
``source_vocab_size``, ``target_vocab_size``, ``max_source_length``, ``max_target_length``,
``max_{train,eval,test}_examples``, ``eval_split``, ``test_split``) and returns a
:class:`TranslationData`, built once per distinct section and process. The tokenizers (word
level, or SentencePiece subwords) are built from the training split; pairs longer than the
length limits (EOS included) are left out and their count is logged.
"""
import functools
import json

from absl import logging
import ml_collections

from rnnlab.data.translation import batching
from rnnlab.data.translation import sources
from rnnlab.data.translation import tokenizers


class TranslationData:
  """Tokenizers and encoded splits of one data config (splits loaded on first use).

  Raises ValueError when a split has no sentence pair, or none within the length limits.
  """

  def __init__(self, data: ml_collections.ConfigDict):
    self.config = data
    self._pairs: dict[str, list[tuple[str, str]]] = {}
    self._encoded: dict[str, batching.EncodedPairs] = {}
    train = self.pairs("train")
    kind = data.tokenizer
    self.source_tokenizer = tokenizers.build_tokenizer(
        kind, [s for s, _ in train], data.source_vocab_size or None)
    self.target_tokenizer = tokenizers.build_tokenizer(
        kind, [t for _, t in train], data.target_vocab_size or None)

  def pairs(self, split: str) -> list[tuple[str, str]]:
    """The ``(source, target)`` sentences of ``split``, capped by ``max_*_examples``."""
    if split not in self._pairs:
      d = self.config
      limit = {"train": d.max_train_examples, d.eval_split: d.max_eval_examples,
               d.test_split: d.max_test_examples}.get(split, 0)
      source = sources.load_split(d.dataset, split, data_dir=d.data_dir or None,
                                  source_lang=d.source_lang or None,
                                  target_lang=d.target_lang or None, path=d.path or None)
      self._pairs[split] = source.pairs(limit or None)
      if not self._pairs[split]:
        raise ValueError(f"{d.dataset}/{split} has no sentence pairs")
    return self._pairs[split]

  def encoded(self, split: str) -> batching.EncodedPairs:
    """The token ids of the pairs of ``split`` within the length limits."""
    if split not in self._encoded:
      d = self.config
      pairs = self.pairs(split)
      enc = batching.encode_pairs(pairs, self.source_tokenizer, self.target_tokenizer,
                                  d.max_source_length, d.max_target_length)
      if len(enc) < len(pairs):
        logging.info("%s/%s: left out %d of %d pairs (empty or over %d/%d tokens)", d.dataset,
                     split, len(pairs) - len(enc), len(pairs), d.max_source_length,
                     d.max_target_length)
      if len(enc) == 0:
        raise ValueError(f"{d.dataset}/{split}: no pair within the length limits "
                         f"({d.max_source_length} / {d.max_target_length} tokens)")
      self._encoded[split] = enc
    return self._encoded[split]


@functools.lru_cache(maxsize=4)
def _load(key: str) -> TranslationData:
  return TranslationData(ml_collections.ConfigDict(json.loads(key)))


def load_translation_data(data: ml_collections.ConfigDict) -> TranslationData:
  """The :class:`TranslationData` of the ``config.data`` section ``data`` (cached)."""
  return _load(json.dumps(data.to_dict(), sort_keys=True, default=list))
