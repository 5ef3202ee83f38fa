"""ListOps rules: the evaluator on hand-written expressions, the generator, bracket trees."""
import numpy as np
import pytest

from rnnlab import trees
from rnnlab.data.listops import expressions as ex


@pytest.mark.parametrize("text, value", [
    ("7", 7),
    ("[MIN 4 7 ]", 4),
    ("[MAX 2 9 [MIN 4 7 ] 0 ]", 9),  # Nangia & Bowman (2018), figure 1
    ("[MED 3 1 2 ]", 2),
    ("[MED 1 2 ]", 1),               # mean of the middle two, rounded down
    ("[MED 9 8 1 0 ]", 4),
    ("[SM 5 6 7 ]", 8),
    ("[SM [MAX 9 9 ] [MED 2 4 6 8 ] 1 ]", 5),  # (9 + 5 + 1) mod 10
    ("[MIN [MAX 1 [SM 8 8 ] ] [MED 7 [MIN 9 3 ] 5 ] 4 ]", 4),  # min(max(1, 6), med(7, 3, 5), 4)
])
def test_evaluator_on_hand_written_expressions(text, value):
  assert ex.evaluate(text) == value
  assert ex.evaluate(ex.encode(text.split())) == value  # token ids too


@pytest.mark.parametrize("text, message", [
    ("] 1", r"token 0: '\]' closes no operator"),
    ("[MIN ]", r"token 1: \[MIN has no arguments"),
    ("[MAX 1 2", r"1 unclosed operator"),
    ("1 2", r"2 top-level value"),
    ("[FOO 1 ]", r"token 0: '\[FOO' is not a ListOps token"),
    ("", r"0 top-level value"),
])
def test_malformed_expressions_raise(text, message):
  with pytest.raises(ValueError, match=message):
    ex.evaluate(text)


def test_median_rule_is_numpys_median_truncated():
  rng = np.random.default_rng(0)
  for _ in range(200):
    values = rng.integers(0, 10, rng.integers(2, 11)).tolist()
    assert ex.apply_operator("[MED", values) == int(np.median(values))


def _operator_arities_and_depth(tokens):
  arities, stack, depth = [], [], 0
  for t in tokens:
    if t in ex.OPERATORS:
      stack.append(0)
      depth = max(depth, len(stack))
    elif t == ex.END:
      arities.append(stack.pop())
      if stack:
        stack[-1] += 1
    elif stack:
      stack[-1] += 1
  return arities, depth


def test_generator_follows_the_rules_and_is_deterministic():
  stream = ex.UniformStream(np.random.default_rng(1))
  drawn = [ex.generate(stream, max_length=10**6) for _ in range(3000)]
  roots_are_operators = np.mean([len(d[0]) > 1 for d in drawn])
  assert abs(roots_are_operators - ex.OPERATOR_PROBABILITY) < 0.03  # 3000 draws: sd 0.008
  all_arities = []
  for tokens, value, depth in drawn:
    assert ex.evaluate(tokens) == value
    arities, nesting = _operator_arities_and_depth(tokens)
    assert nesting == depth <= ex.MAX_DEPTH - 1  # a node at depth 10 is a digit
    all_arities += arities
  assert min(all_arities) == 2 and max(all_arities) == ex.MAX_ARGS
  assert abs(np.mean(all_arities) - 6.0) < 0.3  # uniform on 2..10
  again = ex.UniformStream(np.random.default_rng(1))
  assert [ex.generate(again, max_length=10**6) for _ in range(3000)] == drawn
  short = ex.UniformStream(np.random.default_rng(2))
  for _ in range(200):
    result = ex.generate(short, max_length=30)
    assert result is None or len(result[0]) < 30


def test_bracket_tree_is_the_lra_bracketing():
  text = "[MAX 2 [MIN 4 7 ] ]"
  tree = ex.bracket_tree(text.split())
  # LRA's ( ( ( [MAX 2 ) ( ( ( [MIN 4 ) 7 ) ] ) ) ] ) as nested pairs.
  nested = ((("[MAX", "2"), ((("[MIN", "4"), "7"), "]")), "]")
  expected = trees.from_nested(nested, ex.TOKEN_IDS)
  np.testing.assert_array_equal(tree.children, expected.children)
  np.testing.assert_array_equal(tree.tokens, expected.tokens)
  assert tree.num_nodes == 2 * 7 - 1
  np.testing.assert_array_equal(tree.labels, [-1] * 12 + [4])  # root label = the value
  leaves = tree.tokens[tree.tokens >= 0]
  np.testing.assert_array_equal(leaves, ex.encode(text.split()))  # leaves = tokens in order
  single = ex.bracket_tree(["5"])
  assert single.num_nodes == 1 and single.labels[0] == 5
  with pytest.raises(ValueError, match="unclosed"):
    ex.bracket_tree("[MAX 1 2".split())
  with pytest.raises(ValueError, match="token id 16 is not a ListOps token"):
    ex.bracket_tree([12, 16])
