"""``rnnlab_listops``: ListOps (Nangia & Bowman 2018) as in the Long Range Arena, generated offline.

A TFDS builder (``array_record`` files, read with ``tfds.data_source``, no TensorFlow, no
download) that draws expressions by the rules and limits in
:mod:`rnnlab.data.listops.expressions` (operators MIN, MAX, MED, SM; digits 0-9; at most
depth 10 and 10 arguments; ``min_length < tokens < max_length``), drops duplicates and fills
train, validation and test in that order, so the splits are disjoint. Everything is a pure
function of the config's ``seed``.

Features: ``tokens`` uint8 ``[L]`` (ids of :data:`~rnnlab.data.listops.expressions.VOCAB`,
no padding), ``label`` (the value, 10 classes), ``depth`` (operator nesting depth). The
bracket tree is a function of the tokens: ``expressions.bracket_tree(example["tokens"])``
gives it as :class:`rnnlab.trees.Tree` (2L - 1 nodes; storing it would make the files five
times larger for no information).

Configs: ``default`` is the LRA set (96,000 / 2,000 / 2,000 expressions of 501-1,999
tokens), ``small`` the same rules with 10,000 / 1,000 / 1,000, ``short`` 10,000 / 1,000 /
1,000 expressions of 11-199 tokens (a size at which the Tree-LSTM trains on a CPU: at LRA
lengths a batch of 32 trees asked XLA for 38.6 GB), ``tiny`` (for tests) 48 / 8 / 8
expressions of 11-199 tokens. Drawing takes about 7 ms per kept expression of
LRA length (1,020 in 7.5 s on a shared 2-core machine at load average 15), so ``default``
needs roughly 12 minutes there (extrapolated, not timed end to end) and ``small`` 1.5.
"""
import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data.listops import expressions

NAME = "rnnlab_listops"
SPLITS = ("train", "validation", "test")


@dataclasses.dataclass(kw_only=True)
class ListOpsConfig(tfds.core.BuilderConfig):
  """Split sizes, the generator's limits (LRA values by default) and the seed."""
  num_train: int = 96_000
  num_validation: int = 2_000
  num_test: int = 2_000
  max_depth: int = expressions.MAX_DEPTH
  max_args: int = expressions.MAX_ARGS
  min_length: int = expressions.MIN_LENGTH
  max_length: int = expressions.MAX_LENGTH
  seed: int = 0


def generate_splits(config: ListOpsConfig) -> dict[str, list[tuple[list[str], int, int]]]:
  """``{split: [(tokens, value, depth), ...]}``: distinct expressions, deterministic in the seed.

  Raises ValueError for an empty split or limits that allow no expression.
  """
  wanted = {"train": config.num_train, "validation": config.num_validation,
            "test": config.num_test}
  if min(wanted.values()) < 1:
    raise ValueError(f"every split needs at least one expression, got {wanted}")
  if not 0 <= config.min_length < config.max_length - 1:
    raise ValueError(f"min_length={config.min_length}, max_length={config.max_length}: no "
                     "length lies strictly between them")
  if config.max_depth < 2 or config.max_args < 2:
    raise ValueError(f"max_depth={config.max_depth}, max_args={config.max_args}; allowed: >= 2")
  stream = expressions.UniformStream(np.random.default_rng(config.seed))
  out = {name: [] for name in SPLITS}
  seen = set()
  for name in SPLITS:
    while len(out[name]) < wanted[name]:
      drawn = expressions.generate(stream, max_depth=config.max_depth,
                                   max_args=config.max_args, max_length=config.max_length)
      if drawn is None or len(drawn[0]) <= config.min_length:
        continue
      key = " ".join(drawn[0])
      if key not in seen:
        seen.add(key)
        out[name].append(drawn)
  return out


class RnnlabListops(offline_build.EmbeddedBuilder):
  """ListOps expressions (LRA rules and limits) with their values as labels."""

  BUILDER_CONFIGS = [
      ListOpsConfig(name="default", description="The LRA set: 96k/2k/2k, 501-1999 tokens."),
      ListOpsConfig(name="small", description="LRA rules, 10k/1k/1k expressions.",
                    num_train=10_000, num_validation=1_000, num_test=1_000),
      ListOpsConfig(name="short", description="LRA rules, 10k/1k/1k expressions of 11-199 tokens.",
                    num_train=10_000, num_validation=1_000, num_test=1_000, min_length=10,
                    max_length=200),
      ListOpsConfig(name="tiny", description="For tests: 48/8/8 expressions of 11-199 tokens.",
                    num_train=48, num_validation=8, num_test=8, min_length=10, max_length=200),
  ]

  def _info(self) -> tfds.core.DatasetInfo:
    return self._dataset_info({
        "tokens": tfds.features.Tensor(shape=(None,), dtype=np.uint8),
        "label": tfds.features.ClassLabel(names=list(expressions.DIGITS)),
        "depth": tfds.features.Scalar(dtype=np.int32),
    }, supervised_keys=("tokens", "label"),
        metadata=tfds.core.MetadataDict(vocab=list(expressions.VOCAB)))

  def _split_examples(self):
    return generate_splits(self.builder_config)

  def _generate_examples(self, examples):
    for index, (tokens, value, depth) in enumerate(examples):
      yield index, {"tokens": expressions.encode(tokens), "label": value, "depth": depth}


def prepare(data_dir: str | None = None, config: str = "default") -> tfds.core.DatasetBuilder:
  """Generates ``rnnlab_listops/<config>`` in ``data_dir`` unless it is there; returns the builder.

  ``data_dir`` defaults to TFDS's own (``~/tensorflow_datasets`` or ``$TFDS_DATA_DIR``).
  """
  return offline_build.prepare_config(RnnlabListops, config, data_dir)


def load(split: str, config: str = "default", data_dir: str | None = None):
  """The ``tfds.data_source`` of one split (records with ``tokens``, ``label``, ``depth``),
  generating the set first if needed. Raises ValueError for an unknown split or config."""
  if split not in SPLITS:
    raise ValueError(f"Unknown {NAME} split {split!r}; allowed: {SPLITS}.")
  return prepare(data_dir, config).as_data_source(split=split)
