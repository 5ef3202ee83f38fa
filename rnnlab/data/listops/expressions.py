"""ListOps expressions (Nangia & Bowman 2018) with the Long Range Arena limits (Tay et al. 2021).

Rules, as published by the LRA generator (``lra_benchmarks/data/listops.py``; written here
from its description, not copied):

* An expression is a digit ``0``-``9`` or an operator applied to a list of 2 to
  ``max_args`` (10) expressions, written ``[OP a1 ... ak ]``.
* Operators: ``[MIN`` (minimum), ``[MAX`` (maximum), ``[MED`` (median; of an even number of
  values the mean of the two middle ones rounded down, as ``int(np.median)``), ``[SM`` (sum
  modulo 10). The value of every expression is a digit, the class label (10 classes).
* Generation, top-down from the root at depth 1: a node at depth below ``max_depth`` (10)
  is an operator with probability 0.25, else a digit; a node at ``max_depth`` is a digit.
  Operator, number of arguments and digits are uniform.
* Length = number of tokens, counting operators, digits and ``]`` (not the parentheses of
  the LRA files); an expression is kept if ``min_length < length < max_length``
  (LRA: 500 and 2000, exclusive), and duplicates are dropped.

LRA writes each expression with the parentheses of its binary bracket structure,
``( ( ( [MAX 2 ) 9 ) ] )``: an operator with arguments a1..ak is the left-branching binary
tree ``((((op, a1), a2) ... ak), ])``. :func:`bracket_tree` builds that tree (as
:class:`rnnlab.trees.Tree`) from the flat tokens: the leaves are the tokens in order, so a
sequence of L tokens has 2L - 1 nodes.

Token ids (:data:`VOCAB`): 0 is padding, 1-10 the digits 0-9, then ``[MIN``, ``[MAX``,
``[MED``, ``[SM``, ``]``.
"""
import numpy as np

from rnnlab.trees import Tree

OPERATORS = ("[MIN", "[MAX", "[MED", "[SM")
END = "]"
DIGITS = tuple(str(d) for d in range(10))
PAD = "<pad>"
VOCAB = (PAD, *DIGITS, *OPERATORS, END)
TOKEN_IDS = {token: i for i, token in enumerate(VOCAB)}
OPERATOR_PROBABILITY = 0.25
MAX_DEPTH, MAX_ARGS, MIN_LENGTH, MAX_LENGTH = 10, 10, 500, 2000  # the LRA limits


def apply_operator(op: str, values: list[int]) -> int:
  """The digit an operator gives on its argument values. Raises ValueError on a bad operator."""
  if not values:
    raise ValueError(f"{op} needs at least one argument")
  if op == "[MIN":
    return min(values)
  if op == "[MAX":
    return max(values)
  if op == "[SM":
    return sum(values) % 10
  if op == "[MED":
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) // 2
  raise ValueError(f"unknown ListOps operator {op!r}; allowed: {OPERATORS}")


def _as_strings(tokens) -> list[str]:
  tokens = list(tokens)
  if tokens and not isinstance(tokens[0], str):
    ids = [int(t) for t in tokens]
    bad = [t for t in ids if not 0 < t < len(VOCAB)]
    if bad:
      raise ValueError(f"token id {bad[0]} is not a ListOps token; allowed: 1..{len(VOCAB) - 1}")
    return [VOCAB[t] for t in ids]
  return tokens


def evaluate(tokens) -> int:
  """The value of a flat ListOps expression (token strings, a string, or token ids).

  A stack machine: ``[OP`` opens a list, a digit is appended to the open list, ``]``
  closes it and appends the operator's value to the enclosing list. Raises ValueError
  naming the position of an unknown token, an unbalanced ``]``, an operator without
  arguments or an unfinished expression.
  """
  if isinstance(tokens, str):
    tokens = tokens.split()
  stack: list[tuple[str | None, list[int]]] = [(None, [])]
  for position, token in enumerate(_as_strings(tokens)):
    if token in OPERATORS:
      stack.append((token, []))
    elif token in DIGITS:
      stack[-1][1].append(int(token))
    elif token == END:
      if len(stack) == 1:
        raise ValueError(f"token {position}: ']' closes no operator")
      op, values = stack.pop()
      if not values:
        raise ValueError(f"token {position}: {op} has no arguments")
      stack[-1][1].append(apply_operator(op, values))
    else:
      raise ValueError(f"token {position}: {token!r} is not a ListOps token; allowed: "
                       f"{VOCAB[1:]}")
  if len(stack) != 1 or len(stack[0][1]) != 1:
    raise ValueError(f"not one complete expression: {len(stack) - 1} unclosed operator(s), "
                     f"{len(stack[0][1])} top-level value(s)")
  return stack[0][1][0]


class UniformStream:
  """Uniform floats in [0, 1) from a NumPy generator, drawn in blocks (scalar draws are slow);
  ``below(k)`` is a uniform integer in ``[0, k)``. Deterministic given the generator."""

  def __init__(self, rng: np.random.Generator, block: int = 8192):
    self._rng, self._block, self._buffer = rng, block, []

  def random(self) -> float:
    if not self._buffer:
      self._buffer = self._rng.random(self._block).tolist()[::-1]
    return self._buffer.pop()

  def below(self, k: int) -> int:
    return int(self.random() * k)


def generate(rng: UniformStream, *, max_depth: int = MAX_DEPTH, max_args: int = MAX_ARGS,
             max_length: int = MAX_LENGTH) -> tuple[list[str], int, int] | None:
  """Draws one expression by the rules above: ``(tokens, value, depth)``, or None as soon as
  it reaches ``max_length`` tokens (it would be rejected; stopping early saves time).

  ``rng`` is a :class:`UniformStream` (or a NumPy generator, wrapped here). ``depth`` is the
  operator nesting depth (1 for ``[SM 1 2 ]``, 0 for a lone digit).
  """
  if isinstance(rng, np.random.Generator):
    rng = UniformStream(rng)
  tokens: list[str] = []

  def node(depth: int) -> tuple[int, int] | None:
    if len(tokens) >= max_length:
      return None
    if depth < max_depth and rng.random() < OPERATOR_PROBABILITY:
      op = OPERATORS[rng.below(len(OPERATORS))]
      tokens.append(op)
      values, deepest = [], 0
      for _ in range(2 + rng.below(max_args - 1)):
        child = node(depth + 1)
        if child is None:
          return None
        values.append(child[0])
        deepest = max(deepest, child[1])
      tokens.append(END)
      return apply_operator(op, values), deepest + 1
    digit = rng.below(10)
    tokens.append(DIGITS[digit])
    return digit, 0

  result = node(1)
  if result is None or len(tokens) >= max_length:
    return None
  return tokens, result[0], result[1]


def encode(tokens) -> np.ndarray:
  """Token strings -> ids ``[L]`` (uint8). Raises ValueError naming an unknown token."""
  try:
    return np.array([TOKEN_IDS[t] for t in tokens], np.uint8)
  except KeyError as e:
    raise ValueError(f"{e.args[0]!r} is not a ListOps token; allowed: {VOCAB[1:]}") from e


def bracket_tree(tokens, where: str = "listops") -> Tree:
  """The binary bracket tree of a flat expression (token strings or ids), as LRA brackets it.

  Leaves are the tokens in order (``tokens`` holds their ids); internal nodes have no token;
  an operator ``[OP a1 .. ak ]`` is ``((((OP, a1), a2) .. ak), ])``; the label of the root is
  the expression's value, other nodes are unlabelled. Raises ValueError for a malformed
  expression.
  """
  strings = _as_strings(tokens)
  value = evaluate(strings)  # validates the expression
  ids = encode(strings).tolist()
  left: list[int] = []  # children of node i: (left[i], right[i]), -1 = none
  right: list[int] = []
  node_tokens: list[int] = []
  open_nodes: list[int] = []  # the partial left-branching tree of each open operator
  root = None
  for token, token_id in zip(strings, ids):  # a plain loop: ~10x faster than a helper per node
    leaf = len(node_tokens)
    node_tokens.append(token_id)
    left.append(-1)
    right.append(-1)
    if token in OPERATORS:
      open_nodes.append(leaf)
      continue
    if token == END:
      node_tokens.append(-1)
      left.append(open_nodes.pop())
      right.append(leaf)
      leaf += 1
    if open_nodes:
      node_tokens.append(-1)
      left.append(open_nodes[-1])
      right.append(leaf)
      open_nodes[-1] = len(node_tokens) - 1
    else:
      root = leaf
  labels = np.full(len(node_tokens), -1, np.int32)
  labels[root] = value
  children = np.stack([np.array(left, np.int32), np.array(right, np.int32)], axis=1)
  return Tree(children, np.array(node_tokens, np.int32), labels, where=where)
