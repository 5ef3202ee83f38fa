"""Gradient-flow diagnostics: one-vjp dL/ds_t, transition Jacobian norms, group norms."""
import jax
import jax.flatten_util
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, recurrence
from rnnlab.analysis import gradients

# Tolerance policy: float32, rtol=atol=1e-5 (tests/conftest.py) for comparisons of two
# exact computations; finite differences in float64 use the tolerance stated at the call.
TOL = dict(rtol=1e-5, atol=1e-5)
B, T, D, H = 2, 7, 3, 4

CELLS = {
    "elman": cells.Elman(hidden_size=H),
    "irnn": cells.make_cell("irnn", hidden_size=H),
    "lstm": cells.LSTM(hidden_size=H),
    "lstm_peephole": cells.LSTM(hidden_size=H, peephole=True),
    "gru": cells.GRU(hidden_size=H),
}


def _setup(cell, key, batch=B, steps=T, dtype=jnp.float32):
  k_params, k_x, k_readout = jax.random.split(key, 3)
  params = cell.init(k_params, D)
  params = jax.tree.map(lambda p: p.astype(dtype), params)
  if "p_i" in params:  # peepholes start at zero; make them matter
    for name in ("p_i", "p_f", "p_o"):
      params[name] = 0.3 * jnp.ones_like(params[name])
  xs = jax.random.normal(k_x, (batch, steps, D), dtype)
  readout = jax.random.normal(k_readout, (H,), dtype)
  return params, xs, readout


# Jitted once per (cell, loss_fn); the functions themselves are plain and jit-compatible.
_jit_norms = jax.jit(gradients.hidden_gradient_norms, static_argnums=(0, 3),
                     static_argnames=("which",))


def _last_step_loss(readout):
  def loss_fn(final_state, ys):
    del final_state
    return jnp.sum(jnp.tanh(ys[:, -1] @ readout))
  return loss_fn


@pytest.mark.parametrize("name", sorted(CELLS))
def test_perturbed_scan_with_zero_eps_equals_recurrence_scan(name, key):
  cell = CELLS[name]
  params, xs, _ = _setup(cell, key)
  eps = gradients.zero_perturbation(cell, B, T)
  final, ys, _ = gradients.perturbed_scan(cell, params, xs, eps)
  ref_final, ref_ys = recurrence.scan(cell, params, xs, impl="scan")
  np.testing.assert_allclose(ys, ref_ys, **TOL)
  for a, b in zip(jax.tree.leaves(final), jax.tree.leaves(ref_final)):
    np.testing.assert_allclose(a, b, **TOL)


def _direct_gradient(cell, params, xs, loss_fn, t):
  """dL/ds_t by a separate jax.grad: split the sequence at t, differentiate the suffix."""
  prefix_final, _ = recurrence.scan(cell, params, xs[:, :t + 1], impl="scan")

  def loss_of_state(state):
    if t + 1 == xs.shape[1]:  # the last step: the loss reads this state's output directly
      final, ys = state, cell.output(state)[:, None]
    else:
      final, ys = recurrence.scan(cell, params, xs[:, t + 1:], initial_state=state, impl="scan")
    return loss_fn(final, ys)  # loss_fn reads ys[:, -1] only

  return jax.grad(loss_of_state)(prefix_final)


@pytest.mark.slow  # one compiled suffix scan per (cell, t)
@pytest.mark.parametrize("name", ["elman", "lstm_peephole", "gru"])
def test_one_vjp_equals_per_step_grad(name, key):
  cell = CELLS[name]
  steps = 5  # one compiled suffix scan per t: keep T small
  params, xs, readout = _setup(cell, key, steps=steps)
  loss_fn = _last_step_loss(readout)
  _, grads = gradients.state_gradients(cell, params, xs, loss_fn)
  for t in range(steps):
    direct = _direct_gradient(cell, params, xs, loss_fn, t)
    for got, want in zip(jax.tree.leaves(grads), jax.tree.leaves(direct)):
      np.testing.assert_allclose(got[:, t], want, **TOL)


def test_one_vjp_equals_finite_differences(key):
  # The cells keep their state in float32 whatever the dtype (DESIGN.md), so the finite
  # differences are float32 too: central differences with step 1e-2 have truncation error
  # ~ delta^2 * |d3L/ds3| ~ 1e-4 and rounding error ~ 1e-7 / delta = 1e-5, hence atol=rtol=1e-3.
  cell = CELLS["lstm"]
  params, xs, readout = _setup(cell, key)
  loss_fn = _last_step_loss(readout)
  eps0 = gradients.zero_perturbation(cell, B, T)
  leaves, treedef = jax.tree.flatten(eps0)

  @jax.jit
  def loss_of_eps(eps):
    final, ys, _ = gradients.perturbed_scan(cell, params, xs, eps)
    return loss_fn(final, ys)

  def loss_at(leaf_index, t, b, j, delta):
    moved = list(leaves)
    moved[leaf_index] = leaves[leaf_index].at[t, b, j].add(delta)
    return float(loss_of_eps(jax.tree.unflatten(treedef, moved)))

  _, grads = gradients.state_gradients(cell, params, xs, loss_fn)
  delta = 1e-2
  for leaf_index, g in enumerate(jax.tree.leaves(grads)):  # (c, h)
    for t in (0, 3, T - 1):
      for b, j in ((0, 1), (1, 3)):
        fd = (loss_at(leaf_index, t, b, j, delta) - loss_at(leaf_index, t, b, j, -delta)) / (2 * delta)
        np.testing.assert_allclose(g[b, t, j], fd, rtol=1e-3, atol=1e-3)


def test_output_gradients_select_h_of_lstm(key):
  cell = CELLS["lstm"]
  params, xs, readout = _setup(cell, key)
  loss_fn = _last_step_loss(readout)
  _, (_, h_grad) = gradients.state_gradients(cell, params, xs, loss_fn)
  norms = gradients.hidden_gradient_norms(cell, params, xs, loss_fn, which="output")
  np.testing.assert_allclose(norms, np.linalg.norm(np.asarray(h_grad), axis=-1), **TOL)
  full = gradients.hidden_gradient_norms(cell, params, xs, loss_fn, which="state")
  assert full.shape == (B, T)
  assert np.all(np.asarray(full) >= np.asarray(norms) - 1e-7)


def test_which_rejects_unknown(key):
  cell = CELLS["elman"]
  params, xs, readout = _setup(cell, key)
  with pytest.raises(ValueError, match="which='cell'"):
    gradients.hidden_gradient_norms(cell, params, xs, _last_step_loss(readout), which="cell")


def test_rank_two_inputs_rejected(key):
  cell = CELLS["elman"]
  params, xs, readout = _setup(cell, key)
  with pytest.raises(ValueError, match="rank 3"):
    gradients.state_gradients(cell, params, xs[0], _last_step_loss(readout))


@pytest.mark.parametrize("name", sorted(CELLS))
def test_transition_jacobian_norm_equals_numpy_of_explicit_jacobian(name, key):
  cell = CELLS[name]
  params, xs, _ = _setup(cell, key, steps=3)
  norms = np.asarray(gradients.transition_jacobian_norms(cell, params, xs))
  assert norms.shape == (B, 3)
  # Explicit Jacobian: column j = d step(s + delta e_j) / d delta, by jax.jvp on the
  # unflattened state, one basis vector at a time, along a step-by-step loop.
  state = cell.initial_state((B,))
  gx = cell.project(params, xs)
  for t in range(3):
    for b in range(B):
      s_b = jax.tree.map(lambda s: s[b], state)
      flat, unravel = jax.flatten_util.ravel_pytree(s_b)
      columns = []
      for j in range(flat.shape[0]):
        tangent = unravel(jnp.zeros_like(flat).at[j].set(1.0))
        _, out_tangent = jax.jvp(lambda s: cell.step(params, s, gx[b, t])[0], (s_b,), (tangent,))
        columns.append(jax.flatten_util.ravel_pytree(out_tangent)[0])
      jac = np.stack([np.asarray(c) for c in columns], axis=1)
      # SVD in float32 vs numpy's float32 SVD of the same matrix: 1e-5 relative.
      np.testing.assert_allclose(norms[b, t], np.linalg.norm(jac, 2), rtol=1e-5, atol=1e-6)
    state, _ = cell.step(params, state, gx[:, t])


def test_elman_jacobian_is_diag_times_w_h(key):
  cell = CELLS["elman"]
  params, xs, _ = _setup(cell, key, steps=3)
  prev, gx = gradients.state_trajectory(cell, params, xs)
  jac = gradients.step_jacobian(cell, params, prev[0, 2], gx[0, 2])
  pre = gx[0, 2] + prev[0, 2] @ params["w_h"]
  expected = (params["w_h"] * (1.0 - jnp.tanh(pre) ** 2)[None, :]).T  # dh'_i/dh_j
  np.testing.assert_allclose(jac, expected, **TOL)


@pytest.mark.slow
def test_tanh_rnn_gradient_decays_exponentially_in_distance(key):
  """Small recurrent weights: ||dL_T/dh_t|| <= ||W_h||^(T-1-t) * ||dL_T/dh_T||."""
  steps = 24
  k_w, k_x, k_r = jax.random.split(key, 3)
  cell = cells.Elman(hidden_size=8, recurrent_init="orthogonal", init_scale=0.5)
  params = cell.init(k_w, D)
  xs = jax.random.normal(k_x, (4, steps, D))
  readout = jax.random.normal(k_r, (8,))
  norms = _jit_norms(cell, params, xs, _last_step_loss(readout)).mean(0)
  norms = np.asarray(norms)
  # Every step back multiplies by at most ||W_h||_2 * max tanh' <= 0.5 (orthogonal * 0.5).
  ratios = norms[:-1] / norms[1:]
  assert np.all(ratios <= 0.5 + 1e-6), ratios
  # The log-norm is close to linear in the distance (exponential decay), rate < 0.5.
  rho = gradients.decay_rate_per_step(norms)
  assert 0.0 < rho <= 0.5
  assert norms[0] / norms[-1] < 0.5 ** (steps - 1) * 1.0001


@pytest.mark.slow
def test_lstm_with_forget_bias_decays_much_slower_than_tanh_rnn(key):
  steps = 40
  k_w, k_x, k_r = jax.random.split(key, 3)
  xs = jax.random.normal(k_x, (4, steps, D)) * 0.1
  readout = jax.random.normal(k_r, (8,))
  rates = {}
  for name, cell in (("elman", cells.Elman(hidden_size=8)),
                     ("lstm", cells.LSTM(hidden_size=8, forget_bias=3.0))):
    params = cell.init(k_w, D)
    norms = _jit_norms(cell, params, xs, _last_step_loss(readout)).mean(0)
    rates[name] = gradients.decay_rate_per_step(norms)
  assert rates["lstm"] > 0.9, rates
  assert rates["elman"] < rates["lstm"] - 0.2, rates


def test_parameter_group_norms():
  grads = {"rnn": {"cell": {"w_h": jnp.full((2, 2), 1.0), "b": jnp.array([3.0, 4.0])}},
           "head": {"kernel": jnp.array([[0.0, 2.0]])}}
  per_leaf = gradients.parameter_group_norms(grads)
  assert set(per_leaf) == {"grad_norm/rnn/cell/w_h", "grad_norm/rnn/cell/b",
                           "grad_norm/head/kernel", "grad_norm/global"}
  np.testing.assert_allclose(per_leaf["grad_norm/rnn/cell/w_h"], 2.0, **TOL)
  np.testing.assert_allclose(per_leaf["grad_norm/rnn/cell/b"], 5.0, **TOL)
  np.testing.assert_allclose(per_leaf["grad_norm/global"], np.sqrt(4 + 25 + 4), **TOL)
  top = jax.jit(lambda g: gradients.parameter_group_norms(g, depth=1, prefix=""))(grads)
  assert set(top) == {"rnn", "head", "global"}
  np.testing.assert_allclose(top["rnn"], np.sqrt(29.0), **TOL)
  with pytest.raises(ValueError, match="depth=0"):
    gradients.parameter_group_norms(grads, depth=0)


def test_decay_rate_recovers_geometric_sequence():
  norms = 3.0 * 0.8 ** jnp.arange(20, dtype=jnp.float32)[::-1]  # norms[t] = 3 * 0.8^(T-1-t)
  assert gradients.decay_rate_per_step(norms) == pytest.approx(0.8, rel=1e-5)
  with pytest.raises(ValueError, match="shape"):
    gradients.decay_rate_per_step(jnp.ones((3, 2)))
