"""ListOps batches: flat token sequences (for a sequential RNN) or bracket trees (Tree-LSTM).

Both kinds hold ``labels`` int32 ``[B]`` (the value, 10 classes) and ``weights`` float32
``[B]`` (0 on the padding rows of a last, short evaluation batch), and

* sequence: ``tokens`` int32 ``[B, L]`` (ids of ``expressions.VOCAB``, 0 = padding) and
  ``lengths`` int32 ``[B]``; ``L`` is the smallest power of two >= 16 that fits the batch;
* tree: ``trees``, a :class:`rnnlab.trees.TreeBatch` of the LRA bracket trees
  (:func:`expressions.bracket_tree`), with sizes that depend on ``B`` and the sequence bucket
  ``L`` only, but for the row count, so that a run compiles for a handful of shapes: nodes
  ``2L - 1``, leaves ``B * L``, schedule width ``W`` the power of two >= ``max(B * L / 256,
  8)``, rows those needed rounded up (to a power of two up to 32, then to a multiple of 32). A batch filling half its bucket has
  about ``B * L / 2`` internal nodes, 128 rows at that width; ListOps trees are 50-110
  levels deep, so the rows (>= the depth) rarely exceed 128, and ``rows x W`` stays within
  a small factor of the number of internal nodes (1.5-3x on ``short``; a schedule of levels x
  the widest level, leaves included, did 35-70x).

A fixed ``length_bucket`` (``> 0``; ``0`` = the per-batch bucket above) pads every batch to
that ``L`` and, for trees, to the row count that any ``B`` expressions of at most ``L`` tokens
fit in (:func:`fixed_rows`), so that every batch has one shape and a run compiles each step
once (``configs/listops.py:debug``): the per-batch bucket compiles the train step for each
new bucket and row count, several 5-10 s XLA compilations on a CPU for a run of seconds.

The tree batch's schedule (``leaves [M]``, ``schedule [rows, W]``, ``schedule_children``) has
no batch axis: its values are global node indices, so the data-parallel train loop may split
its first axis over devices like any batch array without changing a result; ``M`` is a
multiple of ``B`` and the row count a multiple of 8 so that they split evenly.

Training batches are epochs of a fresh shuffle, a pure function of ``(seed, epoch)``;
evaluation batches cover every example once.
"""
from typing import Iterator, Sequence

import numpy as np

from rnnlab import trees as trees_lib
from rnnlab.data import epoch_order
from rnnlab.data.listops import embedded
from rnnlab.data.listops import expressions

ENCODERS = ("sequence", "tree")
_MIN_LENGTH_BUCKET, _MIN_ROWS, _MIN_WIDTH = 16, 8, 8


def _power_of_two(n: int, least: int) -> int:
  size = least
  while size < n:
    size *= 2
  return size


def _round_rows(rows: int) -> int:
  """Up to a power of two >= 8 up to 32, then to a multiple of 32 (at most 2x, few shapes)."""
  return _power_of_two(rows, _MIN_ROWS) if rows <= 32 else -(-rows // 32) * 32


def load_examples(split: str, config: str, data_dir: str | None = None, max_examples: int = 0
                  ) -> tuple[list[np.ndarray], np.ndarray]:
  """``(token ids int32 per expression, labels int32 [N])`` of one split of ``rnnlab_listops``
  (generated on first use), at most ``max_examples`` (0 = all)."""
  source = embedded.load(split, config=config, data_dir=data_dir)
  n = len(source) if max_examples <= 0 else min(len(source), max_examples)
  records = [source[i] for i in range(n)]
  return ([np.asarray(r["tokens"], np.int32) for r in records],
          np.array([int(r["label"]) for r in records], np.int32))


def fixed_rows(batch_size: int, length: int) -> int:
  """Schedule rows that any ``batch_size`` bracket trees of at most ``length`` tokens fit in.

  A tree of ``T`` tokens has ``T`` leaves and at most ``T - 1`` internal nodes (each joins
  two subtrees), so at most ``T - 1`` levels. A list schedule of width ``W`` (here
  :func:`tree_batch`'s) leaves a row partly empty only when it holds every ready node, and
  then the longest chain of internal nodes still to compute shortens by one (R. L. Graham,
  "Bounds for certain multiprocessing anomalies", Bell System Tech. J. 45, 1966); so at most
  ``B * (L - 1) / W`` full rows and ``L - 1`` others: ``ceil(B * (L - 1) / W) + L - 1``, rounded
  up as :func:`tree_batch` rounds.
  """
  width = _width(batch_size, length)
  return _round_rows(-(-batch_size * (length - 1) // width) + length - 1)


def _width(batch_size: int, length: int) -> int:
  return _power_of_two(-(-batch_size * length // 256), _MIN_WIDTH)


def make_batch(sequences: Sequence[np.ndarray], labels: np.ndarray, index: np.ndarray,
               batch_size: int, encoder: str, length_bucket: int = 0) -> dict:
  """The batch of rows ``index`` (fewer than ``batch_size``: weight-0 rows of one digit).

  ``length_bucket``: 0 = the smallest power of two >= 16 that fits the batch; ``> 0`` = that
  many tokens for every batch, and (trees) :func:`fixed_rows` schedule rows. Raises
  ValueError for an unknown ``encoder``, a negative ``length_bucket`` or an expression longer
  than it.
  """
  if encoder not in ENCODERS:
    raise ValueError(f"encoder={encoder!r}; allowed: {ENCODERS}")
  if isinstance(length_bucket, bool) or not isinstance(length_bucket, int) or length_bucket < 0:
    raise ValueError(f"length_bucket={length_bucket!r}; allowed: 0 (per batch) or an int >= 1")
  rows = [sequences[i] for i in index]
  pad_rows = batch_size - len(rows)
  rows += [np.array([expressions.TOKEN_IDS["0"]], np.int32)] * pad_rows
  batch_labels = np.concatenate([labels[index], np.zeros(pad_rows, np.int32)]).astype(np.int32)
  weights = np.concatenate([np.ones(len(index), np.float32), np.zeros(pad_rows, np.float32)])
  longest = max(r.shape[0] for r in rows)
  if length_bucket and longest > length_bucket:
    row = int(index[np.argmax([r.shape[0] for r in rows])])
    raise ValueError(f"expression {row} has {longest} tokens, more than length_bucket="
                     f"{length_bucket}; allowed: a length_bucket >= the longest expression, "
                     "or 0 (per batch)")
  length = length_bucket or _power_of_two(longest, _MIN_LENGTH_BUCKET)
  batch = {"labels": batch_labels, "weights": weights}
  if encoder == "sequence":
    tokens = np.zeros((batch_size, length), np.int32)
    for row, ids in enumerate(rows):
      tokens[row, :ids.shape[0]] = ids
    batch.update(tokens=tokens, lengths=np.array([r.shape[0] for r in rows], np.int32))
    return batch
  trees = [expressions.bracket_tree(ids) for ids in rows]
  batch["trees"] = tree_batch(trees, length, fixed=bool(length_bucket))
  return batch


def tree_batch(trees: Sequence[trees_lib.Tree], length: int, fixed: bool = False
               ) -> trees_lib.TreeBatch:
  """The bucketed :class:`rnnlab.trees.TreeBatch` of bracket trees of at most ``length``
  tokens (see the module docstring); ``fixed``: :func:`fixed_rows` rows whatever the trees."""
  width = _width(len(trees), length)
  batch = trees_lib.batch_trees(trees, num_nodes=2 * length - 1, level_width=width,
                                max_children=2, num_leaves=len(trees) * length)
  rows = batch.schedule.shape[0]
  pad = (fixed_rows(len(trees), length) if fixed else _round_rows(rows)) - rows
  missing = batch.tokens.size  # B * N; SINK = B * N + 1 (rnnlab.trees.tree_arrays)
  return batch._replace(
      schedule=np.pad(batch.schedule, ((0, pad), (0, 0)), constant_values=missing + 1),
      schedule_children=np.pad(batch.schedule_children, ((0, pad), (0, 0), (0, 0)),
                               constant_values=missing))


def train_batch(sequences, labels, *, position: int, batch_size: int, encoder: str, seed: int,
                shard_index: int = 0, shard_count: int = 1, length_bucket: int = 0) -> dict:
  """Batch number ``position`` of the endless shuffled stream (:mod:`rnnlab.data.epoch_order`).

  Raises ValueError if one global batch needs more examples than there are.
  """
  index = epoch_order.batch_indices(position, len(sequences), batch_size=batch_size, seed=seed,
                                    shard_index=shard_index, shard_count=shard_count)
  return make_batch(sequences, labels, index, batch_size, encoder, length_bucket)


def eval_batches(sequences, labels, *, batch_size: int, encoder: str, length_bucket: int = 0
                 ) -> Iterator[dict]:
  """Every example once, in order; the last batch padded with weight-0 rows."""
  for start in range(0, len(sequences), batch_size):
    index = np.arange(start, min(start + batch_size, len(sequences)))
    yield make_batch(sequences, labels, index, batch_size, encoder, length_bucket)
