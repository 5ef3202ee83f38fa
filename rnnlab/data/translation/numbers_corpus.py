"""rnnlab's embedded English -> French corpus as a TFDS builder (array_record, no download).

``tfds.data_source("rnnlab_en_fr_numbers", data_dir=...)`` generates it on first use from
:mod:`rnnlab.data.translation.grammar` (about half a minute for the default config) and reads
it with random access afterwards; no TensorFlow is needed.

Splits are disjoint by construction: a sentence's split is decided by a hash of its English
side (90 / 3 / 7 per cent of the hash space for train / validation / test), duplicates are
dropped, and generation continues until every split holds its configured number of pairs.
"""
import dataclasses
import hashlib

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data.translation import grammar

NAME = "rnnlab_en_fr_numbers"
SPLIT_SHARES = (("train", 0.90), ("validation", 0.03), ("test", 0.07))


@dataclasses.dataclass(kw_only=True)
class NumbersConfig(tfds.core.BuilderConfig):
  """Sizes and grammar knobs of one corpus variant."""
  num_train: int = 30_000
  num_validation: int = 1_000
  num_test: int = 2_000
  max_noun_phrases: int = 3
  max_digits: int = 6
  date_probability: float = 0.3
  seed: int = 20240601


def split_of(source: str) -> str:
  """The split a source sentence belongs to, from a stable hash of its text."""
  digest = hashlib.sha256(source.encode("utf-8")).digest()
  u = int.from_bytes(digest[:8], "little") / 2.0**64
  edge = 0.0
  for name, share in SPLIT_SHARES:
    edge += share
    if u < edge:
      return name
  return SPLIT_SHARES[-1][0]


def generate_pairs(config: NumbersConfig) -> dict[str, list[tuple[str, str]]]:
  """Disjoint (English, French) pairs per split, deterministic given ``config.seed``."""
  wanted = {"train": config.num_train, "validation": config.num_validation,
            "test": config.num_test}
  if min(wanted.values()) < 1:
    raise ValueError(f"every split needs at least one pair, got {wanted}")
  rng = np.random.default_rng(config.seed)
  pairs = {name: [] for name in wanted}
  seen = set()
  attempts, max_attempts = 0, 50 * sum(wanted.values())
  while any(len(pairs[n]) < wanted[n] for n in wanted):
    attempts += 1
    if attempts > max_attempts:
      raise RuntimeError(f"could not draw enough distinct sentences for {wanted}")
    en, fr = grammar.sample_sentence(rng, max_noun_phrases=config.max_noun_phrases,
                                     max_digits=config.max_digits,
                                     date_probability=config.date_probability)
    if en in seen:
      continue
    seen.add(en)
    name = split_of(en)
    if len(pairs[name]) < wanted[name]:
      pairs[name].append((en, fr))
  return pairs


class RnnlabEnFrNumbers(offline_build.EmbeddedBuilder):
  """English -> French quantities and dates (see :mod:`rnnlab.data.translation.grammar`)."""

  RELEASE_NOTES = {"1.0.0": "Initial release."}
  BUILDER_CONFIGS = [
      NumbersConfig(name="default", description="30k/1k/2k pairs, up to ~60 tokens"),
      NumbersConfig(name="tiny", description="for tests: 300/50/50 pairs",
                    num_train=300, num_validation=50, num_test=50),
  ]

  def _info(self) -> tfds.core.DatasetInfo:
    return self._dataset_info({"en": tfds.features.Text(), "fr": tfds.features.Text()},
                              supervised_keys=("en", "fr"))

  def _split_examples(self):
    return generate_pairs(self.builder_config)

  def _generate_examples(self, pairs):
    for index, (en, fr) in enumerate(pairs):
      yield index, {"en": en, "fr": fr}
