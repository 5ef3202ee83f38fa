"""Nested tuples and parsed trees -> Tree (post-order numbering)."""
import numpy as np
import pytest

from rnnlab import trees


def test_nested_tuples_are_numbered_in_post_order():
  tree = trees.from_nested(((1, 2), 3, (4,)))
  np.testing.assert_array_equal(tree.tokens, [1, 2, -1, 3, 4, -1, -1])
  np.testing.assert_array_equal(tree.children, [[-1, -1, -1], [-1, -1, -1], [0, 1, -1],
                                                [-1, -1, -1], [-1, -1, -1], [4, -1, -1],
                                                [2, 3, 5]])


def test_token_ids_from_a_mapping_or_callable():
  vocab = {"a": 7, "b": 8}
  np.testing.assert_array_equal(trees.from_nested(("a", "b"), vocab).tokens, [7, 8, -1])
  np.testing.assert_array_equal(trees.from_nested(("a", "b"), lambda w: len(w)).tokens, [1, 1, -1])
  with pytest.raises(ValueError, match=r"leaf 'c' has no token id"):
    trees.from_nested(("a", "c"), vocab)
  with pytest.raises(ValueError, match="an empty tuple is not a tree node"):
    trees.from_nested((1, ()))


def test_deep_nesting_needs_no_recursion():
  nested = 0
  for i in range(3000):
    nested = (nested, i % 10)
  tree = trees.from_nested(nested)
  assert tree.num_nodes == 6001 and tree.levels()[-1] == 3000


def test_parsed_trees_keep_labels_and_words():
  parsed = trees.ParsedTree(3, children=(trees.ParsedTree(2, "It"), trees.ParsedTree(
      4, children=(trees.ParsedTree(3, "good"), trees.ParsedTree(None, ".")))))
  assert parsed.leaves() == ["It", "good", "."]
  tree = trees.from_parsed(parsed, {"It": 0, "good": 1, ".": 2})
  np.testing.assert_array_equal(tree.tokens, [0, 1, 2, -1, -1])
  np.testing.assert_array_equal(tree.labels, [2, 3, -1, 4, 3])
  np.testing.assert_array_equal(tree.children[-1], [0, 3])
  with pytest.raises(ValueError, match="a word or children, not both or neither"):
    trees.ParsedTree(1)
