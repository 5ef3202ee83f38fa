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
  np.testing.assert_array_equal(batch.schedule, [[0, 1, 3, 6, sink], [2, sink, sink, sink, sink],
                                                 [4, sink, sink, sink, sink], [sink] * 5])
  np.testing.assert_array_equal(batch.schedule_children[1, 0], [0, 1])
  np.testing.assert_array_equal(batch.schedule_children[2, 0], [2, 3])
  np.testing.assert_array_equal(batch.schedule_children[0], [[missing] * 2] * 5)


def test_batch_sizes_too_small_or_bad_trees_raise():
  tree = trees.from_nested((1, 2, 3))
  with pytest.raises(ValueError, match=r"trees\[1\] node 3 has 3 children; allowed: at most "
                     r"max_children=2"):
    trees.batch_trees([trees.from_nested((1, 2)), tree], max_children=2)
  with pytest.raises(ValueError, match="num_nodes=3 is too small"):
    trees.batch_trees([tree], num_nodes=3)
  with pytest.raises(ValueError, match="num_levels=1 is too small"):
    trees.batch_trees([tree], num_levels=1)
  with pytest.raises(ValueError, match="level_width=2 is too small"):
    trees.batch_trees([tree], level_width=2)
  with pytest.raises(ValueError, match="at least one tree"):
    trees.batch_trees([])
  with pytest.raises(ValueError, match=r"trees\[0\] is a tuple"):
    trees.batch_trees([(1, 2)])
