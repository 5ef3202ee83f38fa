"""ListOps batches: sequence and tree views of the same expressions, bucketed shapes."""
import numpy as np
import pytest

from rnnlab import trees as trees_lib
from rnnlab.data import epoch_order
from rnnlab.data.listops import batching, expressions

EXPRESSIONS = ["[MAX 2 9 ]", "[SM [MIN 3 4 ] 5 ]", "7", "[MED 1 2 3 4 ]"]


def _examples():
  ids = [expressions.encode(e.split()).astype(np.int32) for e in EXPRESSIONS]
  labels = np.array([expressions.evaluate(e.split()) for e in EXPRESSIONS], np.int32)
  return ids, labels


def test_sequence_batch():
  ids, labels = _examples()
  batch = batching.make_batch(ids, labels, np.array([0, 1]), 3, "sequence")
  assert batch["tokens"].shape == (3, 16)
  np.testing.assert_array_equal(batch["lengths"], [4, 7, 1])
  np.testing.assert_array_equal(batch["tokens"][1, :7], ids[1])
  np.testing.assert_array_equal(batch["labels"], [9, 8, 0])
  np.testing.assert_array_equal(batch["weights"], [1, 1, 0])


def test_tree_batch_holds_the_bracket_trees_with_bucketed_sizes():
  ids, labels = _examples()
  batch = batching.make_batch(ids, labels, np.array([1, 2, 3]), 4, "tree")
  tb = batch["trees"]
  assert isinstance(tb, trees_lib.TreeBatch)
  assert tb.tokens.shape == (4, 2 * 16 - 1) and tb.schedule.shape[0] == 8
  assert tb.schedule.shape[1] & (tb.schedule.shape[1] - 1) == 0  # a power of two
  for row, i in enumerate([1, 2, 3]):
    tree = expressions.bracket_tree(ids[i])
    n = tree.num_nodes
    assert tb.num_nodes[row] == n
    np.testing.assert_array_equal(tb.tokens[row, :n], tree.tokens)
    assert tb.labels[row, n - 1] == labels[i]
  np.testing.assert_array_equal(batch["weights"], [1, 1, 1, 0])


def test_train_stream_and_bad_encoder():
  ids, labels = _examples()
  a = batching.train_batch(ids, labels, position=3, batch_size=2, encoder="sequence", seed=1)
  b = batching.train_batch(ids, labels, position=3, batch_size=2, encoder="sequence", seed=1)
  np.testing.assert_array_equal(a["tokens"], b["tokens"])
  index = epoch_order.batch_indices(3, 4, batch_size=2, seed=1)
  np.testing.assert_array_equal(a["labels"], labels[index])
  with pytest.raises(ValueError, match="encoder='graph'; allowed"):
    batching.make_batch(ids, labels, np.array([0]), 1, "graph")
  with pytest.raises(ValueError, match="global batch 8 exceeds the 4"):
    batching.train_batch(ids, labels, position=0, batch_size=8, encoder="tree", seed=0)


def test_tree_batch_schedule_is_near_the_number_of_nodes():
  # Every leaf once in ``leaves`` (B * L places); the internal nodes in rows of width
  # max(B * L / 256, 8) = 8, rows a power of two >= 8; the added rows hold nothing.
  ids, labels = _examples()
  tree_list = [expressions.bracket_tree(ids[i]) for i in range(4)]
  batch = batching.make_batch(ids, labels, np.arange(4), 4, "tree")
  tb = batch["trees"]
  sink = tb.tokens.size + 1
  internal = sum(int((t.children >= 0).any(axis=1).sum()) for t in tree_list)  # 3 + 6 + 0 + 5
  depth = max(int(t.levels().max()) for t in tree_list)  # [SM [MIN 3 4 ] 5 ]: 6 levels
  assert (internal, depth) == (14, 6)
  assert tb.leaves.shape == (4 * 16,) and (np.asarray(tb.leaves) != sink).sum() == 18
  assert tb.schedule.shape == (8, 8)
  assert (np.asarray(tb.schedule) != sink).sum() == internal
  assert (np.asarray(tb.schedule[depth:]) == sink).all()  # 6 rows are enough at width 8
  assert (np.asarray(tb.schedule_children[depth:]) == tb.tokens.size).all()
  # 32 copies of a 35-token expression nested 9 deep (one chain of 34 internal nodes): width
  # 32 * 64 / 256 = 8, 1,088 internal nodes in 136 rows, rounded up to 160.
  deep = "[MAX " * 9 + "1 2 ] " * 8 + "3 ]"
  many = [expressions.encode(deep.split()).astype(np.int32)] * 32
  tb = batching.make_batch(many, np.zeros(32, np.int32), np.arange(32), 32, "tree")["trees"]
  assert tb.tokens.shape[1] == 2 * 64 - 1
  nodes = 32 * int((expressions.bracket_tree(many[0]).children >= 0).any(axis=1).sum())
  assert nodes == 1088 and tb.schedule.shape == (160, 8)
  assert (np.asarray(tb.schedule[136:]) == tb.tokens.size + 1).all()


def test_fixed_length_bucket_gives_one_shape_whatever_the_batch():
  # Padding a batch to length_bucket=64 with fixed_rows(4, 64) rows: the shapes of a batch of
  # short expressions and of the deepest kind (a chain of 34 internal nodes) are the same, and
  # the trees hold the same nodes as with the per-batch bucket.
  ids, labels = _examples()
  deep = "[MAX " * 9 + "1 2 ] " * 8 + "3 ]"
  ids = ids + [expressions.encode(deep.split()).astype(np.int32)] * 4
  labels = np.concatenate([labels, np.full(4, 3, np.int32)])
  assert batching.fixed_rows(4, 64) == 96  # width 8: ceil(4 * 63 / 8) + 63 = 95 -> 96
  shapes = set()
  for index in (np.arange(4), np.arange(4, 8), np.array([0, 5])):
    for encoder in ("tree", "sequence"):
      batch = batching.make_batch(ids, labels, index, 4, encoder, length_bucket=64)
      auto = batching.make_batch(ids, labels, index, 4, encoder)
      arrays = batch["trees"] if encoder == "tree" else (batch["tokens"], batch["lengths"])
      shapes.add((encoder, tuple(np.shape(a) for a in arrays)))
      if encoder == "tree":
        tb, ta = batch["trees"], auto["trees"]
        assert tb.schedule.shape == (96, 8)
        n = ta.tokens.shape[1]
        np.testing.assert_array_equal(np.asarray(tb.tokens)[:, :n], ta.tokens)
        assert (np.asarray(tb.schedule) != tb.tokens.size + 1).sum() == \
            (np.asarray(ta.schedule) != ta.tokens.size + 1).sum()
      else:
        assert batch["tokens"].shape == (4, 64)
        np.testing.assert_array_equal(batch["lengths"], auto["lengths"])
  assert len(shapes) == 2  # one shape per encoder
  with pytest.raises(ValueError, match="has 35 tokens, more than length_bucket=32"):
    batching.make_batch(ids, labels, np.arange(4, 8), 4, "tree", length_bucket=32)
  with pytest.raises(ValueError, match="length_bucket=-1; allowed"):
    batching.make_batch(ids, labels, np.arange(4), 4, "tree", length_bucket=-1)


def test_fixed_rows_bound_holds_for_a_single_chain():
  # The worst case of the bound's second term: one left-branching chain as long as the bucket
  # allows ([MAX 1 1 ... 1 ] of 16 tokens: 15 internal nodes, 15 levels) in every row.
  chain = expressions.encode(["[MAX"] + ["1"] * 14 + ["]"]).astype(np.int32)
  tree = expressions.bracket_tree(chain)
  assert int(tree.levels().max()) == 15
  ids = [chain] * 8
  tb = batching.make_batch(ids, np.ones(8, np.int32), np.arange(8), 8, "tree",
                           length_bucket=16)["trees"]
  rows_needed = int((np.asarray(tb.schedule) != tb.tokens.size + 1).any(axis=1).sum())
  assert rows_needed == 15 and tb.schedule.shape[0] == batching.fixed_rows(8, 16) >= rows_needed
