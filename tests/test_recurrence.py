"""recurrence.bidirectional / stack semantics and input validation."""
import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, kernels, recurrence
from tests.cells.cases import CELLS, random_inputs, random_state, randomized_params

TOL = dict(rtol=1e-5, atol=1e-5)


def _params(cell, key, d):
  return cell.init(key, d)


def test_bidirectional_padded_equals_each_sequence_alone(key):
  fw, bw = cells.LSTM(4), cells.GRU(3)
  params = {"forward": fw.init(jax.random.fold_in(key, 0), 2),
            "backward": bw.init(jax.random.fold_in(key, 1), 2)}
  xs = jax.random.normal(key, (3, 6, 2))
  lengths = jnp.array([6, 2, 4])
  (f_state, b_state), ys = recurrence.bidirectional(fw, bw, params, xs, lengths=lengths)
  assert ys.shape == (3, 6, 7)
  for b, n in enumerate(lengths.tolist()):
    (f1, b1), alone = recurrence.bidirectional(fw, bw, params, xs[b:b + 1, :n])
    np.testing.assert_allclose(ys[b, :n], alone[0], **TOL)
    np.testing.assert_array_equal(ys[b, n:], 0.0)
    np.testing.assert_allclose(b_state[b], b1[0], **TOL)
    chex.assert_trees_all_close(jax.tree.map(lambda s: s[b], f_state), jax.tree.map(lambda s: s[0], f1), **TOL)


def test_bidirectional_merge_modes(key):
  cell = cells.Elman(3)
  params = {"forward": cell.init(key, 2), "backward": cell.init(jax.random.fold_in(key, 1), 2)}
  xs = jax.random.normal(key, (2, 5, 2))
  _, (ys_f, ys_b) = recurrence.bidirectional(cell, cell, params, xs, merge="none")
  _, summed = recurrence.bidirectional(cell, cell, params, xs, merge="sum")
  _, concat = recurrence.bidirectional(cell, cell, params, xs, merge="concat")
  np.testing.assert_allclose(summed, ys_f + ys_b, **TOL)
  np.testing.assert_allclose(concat, jnp.concatenate([ys_f, ys_b], -1), **TOL)
  # The backward direction at position t has read positions t..T-1: equals a forward scan of the flip.
  _, ref = recurrence.scan(cell, params["backward"], xs[:, ::-1])
  np.testing.assert_allclose(ys_b, ref[:, ::-1], **TOL)
  with pytest.raises(ValueError, match="merge='avg'.*allowed"):
    recurrence.bidirectional(cell, cell, params, xs, merge="avg")


def test_stack_equals_layers_run_one_by_one(key):
  stack_cells = [cells.LSTM(4), cells.GRU(4), cells.Elman(4)]
  sizes = recurrence.layer_input_sizes(stack_cells, 3, False)
  params = [c.init(jax.random.fold_in(key, i), d) for i, (c, d) in enumerate(zip(stack_cells, sizes))]
  xs = jax.random.normal(key, (2, 5, 3))
  lengths = jnp.array([5, 3])
  finals, ys = recurrence.stack(stack_cells, params, xs, lengths=lengths, residual=True)
  h = xs
  for layer, (c, p) in enumerate(zip(stack_cells, params)):
    final, out = recurrence.scan(c, p, h, lengths=lengths)
    out = out + h if layer > 0 else out
    chex.assert_trees_all_close(finals[layer], final, **TOL)
    h = out
  np.testing.assert_allclose(ys, h, **TOL)
  assert len(finals) == 3


def test_stack_dropout_between_layers_only(key):
  stack_cells = [cells.Elman(8), cells.Elman(8)]
  params = [c.init(jax.random.fold_in(key, i), d)
            for i, (c, d) in enumerate(zip(stack_cells, recurrence.layer_input_sizes(stack_cells, 3, False)))]
  xs = jax.random.normal(key, (2, 5, 3))
  _, clean = recurrence.stack(stack_cells, params, xs)
  _, no_key = recurrence.stack(stack_cells, params, xs, dropout_rate=0.5)  # no key: deterministic
  np.testing.assert_allclose(no_key, clean, **TOL)
  _, dropped = recurrence.stack(stack_cells, params, xs, dropout_rate=0.5, key=key)
  assert not np.allclose(dropped, clean)
  # A one-layer stack has no "between": dropout does nothing.
  _, one = recurrence.stack(stack_cells[:1], params[:1], xs, dropout_rate=0.5, key=key)
  np.testing.assert_allclose(one, recurrence.scan(stack_cells[0], params[0], xs)[1], **TOL)


def test_bidirectional_stack_shapes(key):
  stack_cells = [cells.GRU(4), cells.GRU(4)]
  sizes = recurrence.layer_input_sizes(stack_cells, 3, True)
  assert sizes == [3, 8]
  params = [{"forward": c.init(key, d), "backward": c.init(jax.random.fold_in(key, 1), d)}
            for c, d in zip(stack_cells, sizes)]
  finals, ys = recurrence.stack(stack_cells, params, jnp.ones((2, 5, 3)), bidirectional_layers=True)
  assert ys.shape == (2, 5, 8) and len(finals) == 2 and len(finals[0]) == 2


@pytest.mark.parametrize("xs_shape, lengths, match", [
    ((5, 3), None, r"rank 3 \[B, T, D\]; got shape \(5, 3\)"),
    ((2, 5, 4), None, "input feature size 4 .* does not match params .*input size 3"),
    ((2, 5, 3), [-1, 2], r"lengths must lie in \[0, T=5\]; got min -1"),
    ((2, 5, 3), [6, 2], r"lengths must lie in \[0, T=5\]; got min 2, max 6"),
    ((2, 5, 3), [2, 2, 2], r"lengths must have shape \[B\]=\(2,\)"),
    ((2, 5, 3), [2.0, 1.0], "lengths must be integers"),
])
def test_bad_inputs_raise_value_error(xs_shape, lengths, match, key):
  cell = cells.LSTM(4)
  params = cell.init(key, 3)
  lengths = None if lengths is None else jnp.asarray(lengths)
  with pytest.raises(ValueError, match=match):
    recurrence.scan(cell, params, jnp.ones(xs_shape), lengths=lengths)


def test_bad_options_raise_value_error(key):
  cell = cells.GRU(4)
  params = cell.init(key, 3)
  xs = jnp.ones((2, 5, 3))
  with pytest.raises(ValueError, match="impl='cuda'.*allowed"):
    recurrence.scan(cell, params, xs, impl="cuda")
  with pytest.raises(ValueError, match="unroll=0"):
    recurrence.scan(cell, params, xs, unroll=0)
  with pytest.raises(ValueError, match="inputs must be floating point, got dtype int32"):
    recurrence.scan(cell, params, xs.astype(jnp.int32))


def test_time_major_layout(key):
  cell = cells.LSTM(4)
  params = cell.init(key, 3)
  xs = jax.random.normal(key, (2, 5, 3))
  lengths = jnp.array([5, 2])
  f1, y1 = recurrence.scan(cell, params, xs, lengths=lengths, reverse=True)
  f2, y2 = recurrence.scan(cell, params, jnp.swapaxes(xs, 0, 1), lengths=lengths, reverse=True, time_major=True)
  np.testing.assert_allclose(y1, jnp.swapaxes(y2, 0, 1), **TOL)
  chex.assert_trees_all_close(f1, f2, **TOL)


_POISON_CASES = [pytest.param(make_cell, *paths, marks=() if (make_cell, paths) == (
    cells.LSTM, ("scan", False, False)) else pytest.mark.slow)
                 for make_cell in (cells.LSTM, cells.GRU, cells.Elman)
                 for paths in (("scan", False, False), ("fused", False, True),
                               ("auto", True, False), ("scan", True, True))]


@pytest.mark.parametrize("make_cell,impl,remat,reverse", _POISON_CASES)
def test_padded_inputs_holding_nan_or_inf_reach_no_output_or_gradient(make_cell, impl, remat,
                                                                     reverse, key):
  # Issue 18 item 2: padded steps are selected away before the input projection, so the
  # result and every gradient equal those with zeros in the padding.
  cell = make_cell(3)
  params = cell.init(key, 2)
  lengths = jnp.array([4, 2, 0])
  valid = (np.arange(4)[None, :] < np.asarray(lengths)[:, None])[..., None]
  clean = np.where(valid, np.random.default_rng(0).normal(size=(3, 4, 2)), 0.0).astype(np.float32)
  poison = np.array([np.nan, np.inf, -np.inf], np.float32)[np.arange(4) % 3][None, :, None]
  poisoned = np.where(valid, clean, poison).astype(np.float32)

  def loss(params, xs):
    state, ys = recurrence.scan(cell, params, xs, lengths=lengths, impl=impl, remat=remat,
                                reverse=reverse)
    return jnp.sum(ys ** 2) + sum(jnp.sum(s) for s in jax.tree.leaves(state)), (state, ys)

  value_and_grad = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))
  (want, want_aux), want_grads = value_and_grad(params, clean)
  (got, got_aux), got_grads = value_and_grad(params, poisoned)
  np.testing.assert_allclose(got, want, **TOL)
  for g, w in zip(jax.tree.leaves((got_aux, got_grads)), jax.tree.leaves((want_aux, want_grads))):
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, w, **TOL)
  assert np.all(np.asarray(got_grads[1])[~np.broadcast_to(valid, poisoned.shape)] == 0.0)


# ---- impl="parallel" and the initial state's dtype (issue 18, item 3) ----------------------

def _impls(cell):
  impls = ["auto", "scan"]
  if kernels.find_fused(cell) is not None:
    impls.append("fused")
  if cells.is_state_linear(cell):
    impls.append("parallel")
  return impls


def _bfloat16_state_case(name, impl, remat):
  cell = CELLS[name]
  params = randomized_params(cell, jax.random.key(0))
  xs = random_inputs(jax.random.key(1), 2, 4)
  state = random_state(cell, jax.random.key(2), 2)
  state_bf16 = jax.tree.map(lambda s: s.astype(jnp.bfloat16) if not jnp.iscomplexobj(s) else s,
                            state)
  state_cast = jax.tree.map(lambda s, ref: s.astype(ref.dtype), state_bf16, state)
  lengths = jnp.array([4, 2])
  final, ys = recurrence.scan(cell, params, xs, lengths=lengths, initial_state=state_bf16,
                              impl=impl, remat=remat)
  ref_final, ref_ys = recurrence.scan(cell, params, xs, lengths=lengths, initial_state=state_cast,
                                      impl=impl, remat=remat)
  assert [s.dtype for s in jax.tree.leaves(final)] == [s.dtype for s in jax.tree.leaves(state)]
  np.testing.assert_array_equal(ys, ref_ys)
  chex.assert_trees_all_equal(final, ref_final)


@pytest.mark.parametrize("name, impl, remat", [
    ("lstm_layer_norm", "auto", False), ("lstm", "scan", False), ("gru", "scan", True),
    ("rglru", "parallel", True)])
def test_bfloat16_initial_state_is_cast_to_the_state_dtype(name, impl, remat):
  """Failed on the plain scan before the cast: "scan body function carry input and carry output
  must have equal types"."""
  _bfloat16_state_case(name, impl, remat)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CELLS))
@pytest.mark.parametrize("remat", [False, True])
def test_bfloat16_initial_state_every_cell_impl_remat(name, remat):
  for impl in _impls(CELLS[name]):
    _bfloat16_state_case(name, impl, remat)


def test_initial_state_of_the_wrong_structure_raises(key):
  cell = cells.LSTM(4)
  params = cell.init(key, 3)
  with pytest.raises(ValueError, match="initial_state has structure"):
    recurrence.scan(cell, params, jnp.ones((2, 5, 3)), initial_state=jnp.zeros((2, 4)))


def test_parallel_on_a_non_linear_cell_names_the_cell(key):
  cell = cells.GRU(4)
  with pytest.raises(ValueError, match=r"impl='parallel' needs a state-linear cell.*GRU"):
    recurrence.scan(cell, cell.init(key, 3), jnp.ones((2, 5, 3)), impl="parallel")


def test_auto_rule_for_state_linear_cells():
  assert not recurrence.prefers_parallel("cpu")
  assert recurrence.prefers_parallel("gpu") and recurrence.prefers_parallel("tpu")
