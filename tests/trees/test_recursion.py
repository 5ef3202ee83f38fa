"""propagate (level by level, batched, padded) against plain recursions over each tree."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import trees
from tests.conftest import FLOAT32_TOL
from tests.trees import cases

NAMES = sorted(cases.NETWORKS)


@pytest.mark.parametrize("name", NAMES)
def test_forward_equals_the_papers_equations_on_every_node(name):
  net, oracle, tree_list, batch, params, xs = cases.setup(name)
  states, hs = jax.jit(lambda p, b, x: trees.propagate(net, p, b, x))(params, batch, xs)
  for i, tree in enumerate(tree_list):
    n = tree.num_nodes
    expected = cases.oracle_outputs(oracle, params, tree, xs[i, :n])
    np.testing.assert_allclose(hs[i, :n], expected, **FLOAT32_TOL)
    np.testing.assert_array_equal(hs[i, n:], 0.0)  # padding nodes are zero
  np.testing.assert_allclose(trees.root_outputs(batch, hs),
                             hs[np.arange(len(tree_list)), batch.num_nodes - 1], **FLOAT32_TOL)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["recursive_nn", "child_sum", "binary"])
def test_gradients_equal_a_jax_recursion(name):
  # Every gradient element against jax.grad of the plain recursion (jnp, op by op) on the
  # first three trees; slow because the recursion runs op by op.
  net, oracle, tree_list, _, params, _ = cases.setup(name)
  tree_list = tree_list[:3]
  batch = trees.batch_trees(tree_list)
  xs = cases.node_inputs(11, batch)
  weights = jnp.asarray(np.random.default_rng(3).standard_normal(xs.shape[:2] + (cases.HIDDEN,)),
                        jnp.float32)
  mask = np.asarray(batch.node_mask)[..., None]

  def batched_loss(p, x):
    _, hs = trees.propagate(net, p, batch, x)
    return jnp.sum(jnp.tanh(hs) * weights * mask)

  def recursive_loss(p, x):
    total = 0.0
    for i, tree in enumerate(tree_list):
      n = tree.num_nodes
      hs = cases.oracle_outputs(oracle, p, tree, x[i, :n], xp=jnp)
      total = total + jnp.sum(jnp.tanh(hs) * weights[i, :n])
    return total

  got = jax.jit(jax.grad(batched_loss, argnums=(0, 1)))(params, xs)
  want = jax.grad(recursive_loss, argnums=(0, 1))(params, xs)
  jax.tree.map(lambda g, w: np.testing.assert_allclose(g, w, **FLOAT32_TOL), got, want)
  assert np.all(np.asarray(got[1])[~np.asarray(batch.node_mask)] == 0.0)


@pytest.mark.parametrize("name", ["recursive_nn", "child_sum", "binary"])
def test_gradients_match_finite_differences_of_the_float64_oracle(name):
  # Directional derivatives (params and inputs, three random directions) of the float32
  # batched network against central differences (step 1e-6) of the float64 NumPy recursion,
  # whose own error is ~1e-9.
  net, oracle, tree_list, batch, params, xs = cases.setup(name)
  mask = np.asarray(batch.node_mask)[..., None]

  def float64_loss(p, x):
    return sum(np.sum(np.sin(cases.oracle_outputs(oracle, p, tree, x[i, :tree.num_nodes])))
               for i, tree in enumerate(tree_list))

  def loss(p, x):
    return jnp.sum(jnp.sin(trees.propagate(net, p, batch, x)[1]))

  grads = jax.jit(jax.grad(loss, argnums=(0, 1)))(params, xs)
  p64 = jax.tree.map(lambda a: np.asarray(a, np.float64), (params, xs))
  rng = np.random.default_rng(5)
  eps = 1e-6
  for _ in range(3):
    direction = jax.tree.map(lambda a: rng.standard_normal(a.shape), p64)
    direction = (direction[0], direction[1] * mask)
    shifted = lambda s: jax.tree.map(lambda p, d: p + s * eps * d, p64, direction)
    numeric = (float64_loss(*shifted(1.0)) - float64_loss(*shifted(-1.0))) / (2 * eps)
    analytic = sum(np.sum(np.asarray(g, np.float64) * d)
                   for g, d in zip(jax.tree.leaves(grads), jax.tree.leaves(direction)))
    np.testing.assert_allclose(analytic, numeric, **FLOAT32_TOL)


@pytest.mark.parametrize("name", ["recursive_nn", "child_sum", "binary"])
def test_mixed_batch_equals_each_tree_alone(name):
  net, _, tree_list, batch, params, xs = cases.setup(name)
  run = jax.jit(lambda b, x: trees.propagate(net, params, b, x)[1])
  hs = run(batch, xs)
  # Each tree as a batch of one, padded to the same sizes (one compilation for all of them).
  _, n, k = batch.children.shape
  l, w = batch.schedule.shape
  for i, tree in enumerate(tree_list):
    alone = run(trees.batch_trees([tree], num_nodes=n, num_levels=l, level_width=w,
                                  max_children=k), xs[i:i + 1])
    np.testing.assert_allclose(hs[i], alone[0], **FLOAT32_TOL)


@pytest.mark.parametrize("name", NAMES)
def test_nan_at_padding_nodes_reaches_neither_outputs_nor_gradients(name):
  net, _, tree_list, batch, params, _ = cases.setup(name)
  batch = trees.batch_trees(tree_list, num_nodes=batch.tokens.shape[1] + 3, level_width=40,
                            num_levels=6)
  xs = cases.node_inputs(7, batch)
  garbage = jnp.where(batch.node_mask[..., None], xs, jnp.nan)

  @jax.jit
  def loss_and_grad(p, x):
    def loss(p):
      hs = trees.propagate(net, p, batch, x)[1]
      return jnp.sum(hs ** 2), hs
    return jax.value_and_grad(loss, has_aux=True)(p)

  (_, hs_clean), g_clean = loss_and_grad(params, xs)
  (dirty, hs_dirty), g_dirty = loss_and_grad(params, garbage)
  assert np.isfinite(dirty)
  np.testing.assert_array_equal(hs_dirty, hs_clean)
  jax.tree.map(np.testing.assert_array_equal, g_dirty, g_clean)


def test_fixed_shapes_compile_once():
  net, _, tree_list, _, params, _ = cases.setup("child_sum")
  traces = []

  @jax.jit
  def run(b, x):
    traces.append(1)
    return trees.propagate(net, params, b, x)[1]

  sizes = dict(num_nodes=12, num_levels=5, level_width=16, max_children=4)
  for group in (tree_list[:3], tree_list[4:7]):
    batch = trees.batch_trees(group, **sizes)
    run(batch, cases.node_inputs(0, batch))
  assert len(traces) == 1


def test_bad_inputs_raise():
  net, _, _, _, params, _ = cases.setup("binary")
  batch = trees.batch_trees([trees.from_nested(((1, 2), 3)), trees.from_nested((1, 2, 3))])
  xs = cases.node_inputs(0, batch)
  with pytest.raises(ValueError, match=r"tree 1 node 3 has 3 children; allowed: at most 2"):
    trees.propagate(net, params, batch, xs)
  with pytest.raises(ValueError, match="3 child slots; allowed: at most 2"):
    jax.jit(lambda b, x: trees.propagate(net, params, b, x))(batch, xs)
  with pytest.raises(ValueError, match=r"xs must have shape \[B, N, D\]"):
    trees.propagate(net, params, batch, xs[:, :2])
  with pytest.raises(ValueError, match="input_size=3 must equal hidden_size=5"):
    trees.RecursiveNN(cases.HIDDEN).init(jax.random.key(0), 3)
  with pytest.raises(NotImplementedError, match="run it with rnnlab.trees.propagate"):
    net.step(params, net.initial_state((1,)), xs[0])
  with pytest.raises(ValueError, match="arity=0"):
    trees.NaryTreeLSTM(4, arity=0)


def test_bfloat16_compute_keeps_float32_state():
  _, _, tree_list, batch, _, xs = cases.setup("binary")
  net = trees.NaryTreeLSTM(cases.HIDDEN, dtype=jnp.bfloat16)
  params = cases.randomized_params(net, jax.random.key(0))
  (c, h), hs = jax.jit(lambda p: trees.propagate(net, p, batch, xs))(params)
  assert c.dtype == h.dtype == hs.dtype == jnp.float32
  assert params["w_h"].dtype == jnp.float32


@pytest.mark.parametrize("name", ["child_sum", "binary"])
def test_narrow_schedule_rows_give_the_same_nodes(name):
  # The same trees packed into rows of width 2 and 1 (more rows than levels, nodes of
  # different levels in one row): every node still equals the recursion.
  net, oracle, tree_list, _, params, _ = cases.setup(name)
  for width in (2, 1):
    batch = trees.batch_trees(tree_list, level_width=width)
    assert batch.schedule.shape[1] == width
    xs = cases.node_inputs(7, batch)
    hs = jax.jit(lambda p, b, x: trees.propagate(net, p, b, x)[1])(params, batch, xs)
    for i, tree in enumerate(tree_list):
      n = tree.num_nodes
      np.testing.assert_allclose(hs[i, :n], cases.oracle_outputs(oracle, params, tree, xs[i, :n]),
                                 **FLOAT32_TOL)


@pytest.mark.parametrize("name", NAMES)
def test_leaf_is_the_node_without_children(name):
  # ``leaf`` (used for every leaf of a batch) skips the child matmul; it must equal ``node``
  # with all children missing (zero states), which is what the recursion computes there.
  net, _, _, _, params, _ = cases.setup(name)
  gx = net.project(params, cases.node_inputs(3, trees.batch_trees([trees.from_nested(1)]))[0])
  gx = jnp.concatenate([gx, 3.0 * gx])  # [2, G]
  k = net.max_arity or 3
  zeros = jax.tree.map(lambda s: s[:, None].repeat(k, axis=1), net.initial_state((2,)))
  expected = net.node(params, gx, zeros, jnp.zeros((2, k), bool))
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, **FLOAT32_TOL),
               net.leaf(params, gx), expected)
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, **FLOAT32_TOL),
               trees.TreeCell.leaf(net, params, gx), expected)
