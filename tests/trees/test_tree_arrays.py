"""Tree validation, levels and padded batches."""
import numpy as np
import pytest

from rnnlab import trees


def _children(*rows):
  return np.array(rows, np.int32)


def test_a_valid_tree_and_its_levels():
  tree = trees.Tree(_children([-1, -1], [-1, -1], [0, 1], [-1, -1], [2, 3]), tokens=[5, 6, -1, 7, -1])
  assert tree.num_nodes == 5 and tree.max_children == 2
  np.testing.assert_array_equal(tree.levels(), [0, 0, 1, 0, 2])
  np.testing.assert_array_equal(tree.labels, [-1] * 5)


@pytest.mark.parametrize("children, message", [
    (_children([-1], [2], [1]), r"node 1 is in a cycle 1 -> 2 -> 1"),
    (_children([-1], [1]), r"node 1 is in a cycle 1 -> 1"),
    (_children([-1, -1], [-1, -1], [0, 3], [-1, -1], [2, 1]),
     r"node 2 has child 3 >= 2; nodes must be ordered children before parents"),
    (_children([-1], [0], [0, ]), r"node 0 is a child of several nodes \[1, 2\]"),
    (_children([-1], [-1], [0]), r"node 1 has no parent and is not the root"),
    (_children([-1, -1], [0, 7]), r"node 1 has child index 7 outside \[0, 2\)"),
    (_children([-1, -1], [-1, 0]), r"node 1 has a child after an empty slot"),
    (np.zeros((0, 2), np.int32), r"at least one node"),
])
def test_bad_trees_raise_naming_the_node(children, message):
  with pytest.raises(ValueError, match=message):
    trees.Tree(children, where="example.txt:3")
  with pytest.raises(ValueError, match="^example.txt:3: "):
    trees.Tree(children, where="example.txt:3")


def test_bad_tokens_and_labels_raise():
  with pytest.raises(ValueError, match=r"tokens must be an integer array of shape \(1,\)"):
    trees.Tree(_children([-1]), tokens=[1, 2])
  with pytest.raises(ValueError, match=r"node 0 has label -3; allowed: >= 0, or -1"):
    trees.Tree(_children([-1]), labels=[-3])


def test_batch_pads_and_schedules_levels():
  a = trees.from_nested(((1, 2), 3))       # 5 nodes, levels 0 0 1 0 2
  b = trees.from_nested(4)                 # 1 node
  batch = trees.batch_trees([a, b], num_nodes=6, num_levels=4, level_width=5)
  assert batch.children.shape == (2, 6, 2) and batch.schedule.shape == (4, 5)
  np.testing.assert_array_equal(batch.num_nodes, [5, 1])
  np.testing.assert_array_equal(batch.tokens, [[1, 2, -1, 3, -1, -1], [4, -1, -1, -1, -1, -1]])
  np.testing.assert_array_equal(batch.node_mask, [[1, 1, 1, 1, 1, 0], [1, 0, 0, 0, 0, 0]])
  np.testing.assert_array_equal(batch.roots, [4, 0])
  sink, missing = 13, 12
  # Leaves first, all at once (padded to B * N); then one row per internal level.
  np.testing.assert_array_equal(batch.leaves, [0, 1, 3, 6] + [sink] * 8)
  np.testing.assert_array_equal(batch.schedule, [[2, sink, sink, sink, sink],
                                                 [4, sink, sink, sink, sink], [sink] * 5,
                                                 [sink] * 5])
  np.testing.assert_array_equal(batch.schedule_children[0, 0], [0, 1])
  np.testing.assert_array_equal(batch.schedule_children[1, 0], [2, 3])
  np.testing.assert_array_equal(batch.schedule_children[2], [[missing] * 2] * 5)


def _left_branching(num_leaves):
  nested = 1
  for token in range(2, num_leaves + 1):
    nested = (nested, token)
  return nested


def _assert_valid_schedule(batch):
  """Every real leaf once in ``leaves``; every real internal node once in ``schedule``, in a
  row after the rows of its internal children; nothing else but SINK."""
  b, n, _ = batch.children.shape
  sink = b * n + 1
  children = np.asarray(batch.children).reshape(b * n, -1)
  real = np.asarray(batch.node_mask).reshape(-1)
  internal = (children >= 0).any(axis=1)
  leaves = np.asarray(batch.leaves)
  np.testing.assert_array_equal(np.sort(leaves[leaves != sink]), np.nonzero(real & ~internal)[0])
  row_of = {}
  for row, nodes in enumerate(np.asarray(batch.schedule)):
    for node in nodes[nodes != sink]:
      assert node not in row_of
      row_of[int(node)] = row
  assert sorted(row_of) == np.nonzero(real & internal)[0].tolist()
  for node, row in row_of.items():
    tree, local = divmod(node, n)
    for child in children[node][children[node] >= 0]:
      assert row_of.get(tree * n + int(child), -1) < row


def test_schedule_width_is_the_widest_internal_level_and_leaves_are_outside():
  # A left-branching tree of 40 leaves has 40 levels and 39 internal nodes, one per level:
  # the schedule is 39 rows of width 1 (the level-by-level schedule with the leaves in the
  # loop would be 40 x 40), and the 40 leaves are computed once, outside the loop.
  tree = trees.from_nested(_left_branching(40))
  batch = trees.batch_trees([tree])
  assert batch.schedule.shape == (39, 1)
  assert batch.leaves.shape == (79,)  # B * N
  assert (np.asarray(batch.leaves) < 79).sum() == 40
  _assert_valid_schedule(batch)
  # With a balanced tree of 8 leaves beside it the widest internal level is 5 (4 + 1).
  balanced = trees.from_nested((((1, 2), (3, 4)), ((5, 6), (7, 8))))
  batch = trees.batch_trees([tree, balanced])
  assert batch.schedule.shape == (39, 5)
  _assert_valid_schedule(batch)


def test_narrow_width_packs_nodes_into_the_fewest_rows():
  # Balanced (7 internal nodes, levels of 4, 2, 1) + left-branching (7 internal nodes in a
  # chain): at width 2, 14 nodes fit in 7 rows, the chain's length (Hu's list scheduling is
  # optimal for trees); S * W = 14 = the number of internal nodes.
  balanced = trees.from_nested((((1, 2), (3, 4)), ((5, 6), (7, 8))))
  chain = trees.from_nested(_left_branching(8))
  batch = trees.batch_trees([balanced, chain], level_width=2)
  assert batch.schedule.shape == (7, 2)
  assert (np.asarray(batch.schedule) < 2 * 15).all()  # no empty place
  _assert_valid_schedule(batch)
  batch = trees.batch_trees([balanced, chain], level_width=1)
  assert batch.schedule.shape == (14, 1)
  _assert_valid_schedule(batch)
  batch = trees.batch_trees([balanced, chain, trees.from_nested(3)], level_width=3,
                            num_levels=9, num_leaves=20)
  assert batch.schedule.shape == (9, 3) and batch.leaves.shape == (20,)
  _assert_valid_schedule(batch)


def test_batch_sizes_too_small_or_bad_trees_raise():
  tree = trees.from_nested((1, 2, 3))
  with pytest.raises(ValueError, match=r"trees\[1\] node 3 has 3 children; allowed: at most "
                     r"max_children=2"):
    trees.batch_trees([trees.from_nested((1, 2)), tree], max_children=2)
  with pytest.raises(ValueError, match="num_nodes=3 is too small"):
    trees.batch_trees([tree], num_nodes=3)
  with pytest.raises(ValueError, match="num_levels=1 is too small"):
    trees.batch_trees([trees.from_nested(((1, 2), 3))], num_levels=1)
  with pytest.raises(ValueError, match="num_levels=2 is too small .* >= 3"):
    trees.batch_trees([trees.from_nested(((1, 2), (3, 4)))], level_width=1, num_levels=2)
  with pytest.raises(ValueError, match="level_width=0; allowed: an int >= 1"):
    trees.batch_trees([tree], level_width=0)
  with pytest.raises(ValueError, match="num_leaves=2 is too small"):
    trees.batch_trees([tree], num_leaves=2)
  with pytest.raises(ValueError, match="at least one tree"):
    trees.batch_trees([])
  with pytest.raises(ValueError, match=r"trees\[0\] is a tuple"):
    trees.batch_trees([(1, 2)])
