"""Shared check for the fused kernels: fused == plain scan (``impl="scan"``), forward and all
gradients (params, inputs, initial state).

The loss weights every output and final-state entry by a fixed random factor, so every
cotangent entering the backward pass is non-zero and distinct.

Tolerances of :func:`fused_equals_scan_tests` (the fused Elman, GRU and LSTM kernels):

* float32 (``F32``): rtol=atol=1e-5 (the suite's policy, tests/conftest.py): the same maths
  evaluated in another order (the recurrent-weight gradients are one GEMM / one reduction
  over all steps instead of a sum of per-step products).
* bfloat16 compute (``BF16``): rtol=atol=2e-2. bfloat16 keeps 8 significant bits (eps =
  2^-8 = 3.9e-3); both paths round the recurrent matmul operands to bfloat16 at each of the
  7 steps, and the plain scan also accumulates the per-step w_h gradients in bfloat16 while
  the fused GEMM accumulates in float32, so the two differ by a few bfloat16 eps.
"""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import recurrence

F32 = dict(rtol=1e-5, atol=1e-5)
BF16 = dict(rtol=2e-2, atol=2e-2)

BATCH, STEPS, INPUT = 3, 7, 5
LENGTHS = (7, 4, 0)  # a full row, a padded row, an empty row


def randomized_params(cell, key, input_size=INPUT, scale=0.5):
  """The cell's params with every leaf perturbed (peepholes and biases start at zero)."""
  params = cell.init(key, input_size)
  leaves, treedef = jax.tree.flatten(params)
  keys = jax.random.split(jax.random.fold_in(key, 1), len(leaves))
  leaves = [leaf + scale * jax.random.normal(k, leaf.shape, leaf.dtype) for k, leaf in zip(keys, leaves)]
  return jax.tree.unflatten(treedef, leaves)


def random_like(key, tree):
  leaves, treedef = jax.tree.flatten(tree)
  keys = jax.random.split(key, len(leaves))
  return jax.tree.unflatten(
      treedef, [jax.random.normal(k, x.shape, jnp.float32) for k, x in zip(keys, leaves)])


def weighted_sum(tree, weights):
  return sum(jnp.sum(x.astype(jnp.float32) * w) for x, w in
             zip(jax.tree.leaves(tree), jax.tree.leaves(weights)))


def outputs_and_grads(run, params, xs, state0, lengths, key):
  """``{impl: (outputs, grads)}`` for impl "fused" and "scan", from one jit.

  ``run(params, xs, state0, lengths, impl) -> (final_state, ys)``; grads are with respect to
  params, xs and the initial state. ``lengths`` is a jit argument (a traced value), as in
  a training step.
  """
  shapes = jax.eval_shape(lambda p, x, s, lens: run(p, x, s, lens, "scan"), params, xs, state0,
                          lengths)
  weights = random_like(key, shapes)

  def both(p, x, s, lens):
    result = {}
    for impl in ("fused", "scan"):
      def loss(p, x, s, impl=impl):
        out = run(p, x, s, lens, impl)
        return weighted_sum(out, weights), out
      grads, out = jax.grad(loss, argnums=(0, 1, 2), has_aux=True)(p, x, s)
      result[impl] = (out, grads)
    return result

  return jax.jit(both)(params, xs, state0, lengths)


def assert_trees_close(actual, expected, rtol, atol, what):
  """Leaf-wise ``|a - e| <= atol + rtol * |e|``; names the first failing leaf."""
  paths_a = jax.tree_util.tree_flatten_with_path(actual)[0]
  leaves_e, _ = jax.tree.flatten(expected)
  assert len(paths_a) == len(leaves_e), what
  for (path, a), e in zip(paths_a, leaves_e):
    assert a.shape == e.shape and a.dtype == e.dtype, (what, path, a.shape, e.shape, a.dtype, e.dtype)
    np.testing.assert_allclose(np.asarray(a, np.float32), np.asarray(e, np.float32),
                               rtol=rtol, atol=atol,
                               err_msg=f"{what} {jax.tree_util.keystr(path)}")


def check_fused_matches_scan(run, params, xs, state0, lengths, key, rtol, atol):
  """Asserts fused == scan for the outputs and the gradients of ``run``."""
  result = outputs_and_grads(run, params, xs, state0, lengths, key)
  (out_f, grads_f), (out_s, grads_s) = result["fused"], result["scan"]
  assert_trees_close(out_f, out_s, rtol, atol, "outputs")
  assert_trees_close(grads_f, grads_s, rtol, atol, "gradients (params, xs, initial state)")


def _random_state(cell, key):
  return random_like(key, cell.initial_state((BATCH,)))


# "full" runs the kernels' unmasked path; the others the masked one (lengths (7, 4, 0)).
SCENARIOS = ("full", "lengths", "reverse", "reverse_lengths_unroll3", "bidirectional", "stacked")
# Every scenario for the main variant of a family, the two that cover both paths for the
# others (bidirectional = forward and reversed masked scans): compile time keeps tests short.
MAIN_SCENARIOS = ("full", "lengths", "reverse_lengths_unroll3", "bidirectional", "stacked")
OTHER_SCENARIOS = ("full", "bidirectional")


def make_case(cell, scenario, key):
  """``(run, params, xs, state0, lengths)``; ``run(p, x, s, lengths, impl) -> (final, ys)``."""
  k_p, k_p2, k_x, k_s, k_s2 = jax.random.split(key, 5)
  xs = jax.random.normal(k_x, (BATCH, STEPS, INPUT), jnp.float32)
  lengths = jnp.array(LENGTHS, jnp.int32)
  if scenario in ("full", "lengths", "reverse", "reverse_lengths_unroll3"):
    use_lengths = scenario in ("lengths", "reverse_lengths_unroll3")
    reverse = scenario.startswith("reverse")
    unroll = 3 if scenario.endswith("unroll3") else 1

    def run(p, x, s, lens, impl):
      return recurrence.scan(cell, p, x, lengths=lens if use_lengths else None,
                             reverse=reverse, initial_state=s, unroll=unroll, impl=impl)

    return run, randomized_params(cell, k_p), xs, _random_state(cell, k_s), lengths
  if scenario == "bidirectional":
    params = {"forward": randomized_params(cell, k_p), "backward": randomized_params(cell, k_p2)}

    def run(p, x, s, lens, impl):
      return recurrence.bidirectional(cell, cell, p, x, lengths=lens, initial_states=s,
                                      impl=impl)

    return run, params, xs, (_random_state(cell, k_s), _random_state(cell, k_s2)), lengths
  if scenario == "stacked":
    params = [randomized_params(cell, k_p), randomized_params(cell, k_p2, cell.hidden_size)]

    def run(p, x, s, lens, impl):
      return recurrence.stack([cell, cell], p, x, lengths=lens, initial_states=s, impl=impl)

    return run, params, xs, [_random_state(cell, k_s), _random_state(cell, k_s2)], lengths
  raise ValueError(f"scenario={scenario!r}; allowed: {SCENARIOS}")


def fused_equals_scan_tests(variants):
  """The fused == plain scan tests of one kernel family, ``(test_float32, test_bfloat16)``.

  ``variants`` ``{name: cell}`` holds two cells of the family: the main one runs every
  ``MAIN_SCENARIOS`` in float32 and "bidirectional" in bfloat16 compute, the other
  ``OTHER_SCENARIOS`` in float32 and "lengths" in bfloat16 (tolerances ``F32``, ``BF16``:
  the module docstring). A test module assigns them to its ``test_*`` names.
  """
  (main, _), (other, _) = variants.items()
  float32_cases = [(main, s) for s in MAIN_SCENARIOS] + [(other, s) for s in OTHER_SCENARIOS]

  @pytest.mark.parametrize("variant,scenario", float32_cases)
  def test_float32(variant, scenario, key):
    case = make_case(variants[variant], scenario, key)
    check_fused_matches_scan(*case, jax.random.fold_in(key, 9), **F32)

  @pytest.mark.parametrize("variant,scenario", [(main, "bidirectional"), (other, "lengths")])
  def test_bfloat16(variant, scenario, key):
    cell = dataclasses.replace(variants[variant], dtype=jnp.bfloat16)
    case = make_case(cell, scenario, key)
    check_fused_matches_scan(*case, jax.random.fold_in(key, 9), **BF16)

  return test_float32, test_bfloat16
