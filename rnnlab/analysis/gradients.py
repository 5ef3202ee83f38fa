"""Gradient-flow diagnostics for any cell: how BPTT gradients vanish or explode (seed 003).

Three measurements, each valid for any object with the cell contract (``project``,
``step``, ``initial_state``, ``output``), including a researcher's own cell:

* :func:`state_gradients` / :func:`hidden_gradient_norms`: ``dL/ds_t`` for *every* step t
  with a single backward pass. The scan adds a zero perturbation ``eps_t`` to the state
  after step t; ``dL/deps_t = dL/ds_t`` (the total derivative, through all later steps),
  so one ``vjp`` of the loss w.r.t. the stacked ``eps [T, ...]`` gives all T gradients.
  For a loss on the last step (``L_T``) this is the quantity whose norm decays like
  ``prod_k ||ds_k/ds_{k-1}||`` for a tanh RNN (the vanishing gradient).
* :func:`transition_jacobian_norms`: the spectral norm ``||ds_t/ds_{t-1}||_2`` of the
  one-step Jacobian along a trajectory (``jax.jacfwd`` of ``cell.step`` w.r.t. the state,
  vmapped over time and batch).
* :func:`parameter_group_norms`: L2 norms of a gradient pytree per parameter group, as
  plain floats the training loop can log (``grad_norm/<group>``); defined in
  :mod:`rnnlab.params` (the train loop imports it from there) and re-exported here.

"State" is the cell's whole recurrent state, flattened: ``h`` for Elman and GRU, ``(c, h)``
for LSTM (``s_t = [c_t; h_t]``, ``2H`` numbers). ``which="output"`` restricts the
gradient to the hidden output ``h_t`` (``cell.output`` applied to the gradient tree, which
is right for cells whose ``output`` selects a leaf of the state, as all built-in cells do).
"""
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from rnnlab.cells.base import STATE_DTYPE
from rnnlab.params import parameter_group_norms  # noqa: F401  (defined beside the params)

LossFn = Callable[[Any, jax.Array], jax.Array]  # (final_state, ys [B, T, H]) -> scalar
WHICH = ("state", "output")


def _check_xs(xs: jax.Array) -> None:
  if getattr(xs, "ndim", None) != 3:
    raise ValueError(f"inputs must have rank 3 [B, T, D]; got shape {getattr(xs, 'shape', None)}")


def perturbed_scan(cell: Any, params: Any, xs: jax.Array, eps: Any, *,
                   initial_state: Any = None) -> tuple[Any, jax.Array, Any]:
  """Runs ``cell`` over ``xs [B, T, D]`` adding ``eps_t`` to the state after every step.

  Args:
    cell: any object with the cell contract.
    params: the cell's parameters.
    xs: inputs ``[B, T, D]``.
    eps: a pytree shaped like the state with a leading time axis, leaves ``[T, B, ...]``.
      The output ``y_t`` also receives ``cell.output(eps_t)``, so ``y_t`` stays the hidden
      output of the (perturbed) state.
    initial_state: state with leading ``[B]``; zeros if None.

  Returns:
    ``(final_state, ys [B, T, H], states)`` where ``states`` has leaves ``[T, B, ...]``:
    the state after each step (``states[t] = s_{t+1}`` with ``s_0`` the initial state).
  """
  _check_xs(xs)
  gx = jnp.swapaxes(cell.project(params, xs), 0, 1)  # [T, B, G]
  state0 = cell.initial_state((xs.shape[0],)) if initial_state is None else initial_state

  def step(state, inputs):
    gx_t, eps_t = inputs
    new_state, y = cell.step(params, state, gx_t)
    new_state = jax.tree.map(lambda s, e: s + e.astype(s.dtype), new_state, eps_t)
    y = y + cell.output(eps_t).astype(y.dtype)
    return new_state, (y, new_state)

  final_state, (ys, states) = jax.lax.scan(step, state0, (gx, eps))
  return final_state, jnp.swapaxes(ys, 0, 1), states


def zero_perturbation(cell: Any, batch_size: int, num_steps: int) -> Any:
  """Zeros shaped like the state with a leading time axis: leaves ``[T, B, ...]``."""
  state = cell.initial_state((batch_size,))
  return jax.tree.map(lambda s: jnp.zeros((num_steps, *s.shape), STATE_DTYPE), state)


def state_gradients(cell: Any, params: Any, xs: jax.Array, loss_fn: LossFn, *,
                    initial_state: Any = None) -> tuple[jax.Array, Any]:
  """``dL/ds_t`` for every step t from ONE backward pass (a single vjp through the scan).

  Args:
    cell, params: the cell and its parameters.
    xs: inputs ``[B, T, D]``.
    loss_fn: ``(final_state, ys [B, T, H]) -> scalar`` loss. For ``L_T`` use only the last
      step, e.g. ``lambda s, ys: readout(ys[:, -1])``.
    initial_state: optional initial state with leading ``[B]``.

  Returns:
    ``(loss, grads)``: the scalar loss and a state-shaped pytree with leaves ``[B, T, ...]``;
    ``grads[:, t]`` is the total derivative of L w.r.t. the state after step t
    (``t = 0 .. T-1``, i.e. ``h_1 .. h_T`` in 1-based textbook notation).
  """
  _check_xs(xs)
  batch, num_steps = xs.shape[0], xs.shape[1]
  eps = zero_perturbation(cell, batch, num_steps)

  def loss_of_eps(e):
    final_state, ys, _ = perturbed_scan(cell, params, xs, e, initial_state=initial_state)
    return loss_fn(final_state, ys)

  loss, vjp_fn = jax.vjp(loss_of_eps, eps)
  (grads,) = vjp_fn(jnp.ones_like(loss))
  return loss, jax.tree.map(lambda g: jnp.swapaxes(g, 0, 1), grads)


def _norm_over_features(tree: Any, lead: int) -> jax.Array:
  """L2 norm over every axis after the first ``lead`` axes, summed over all leaves."""
  sq = [jnp.sum(jnp.square(leaf.astype(STATE_DTYPE)).reshape(*leaf.shape[:lead], -1), axis=-1)
        for leaf in jax.tree.leaves(tree)]
  return jnp.sqrt(sum(sq[1:], sq[0]))


def hidden_gradient_norms(cell: Any, params: Any, xs: jax.Array, loss_fn: LossFn, *,
                          initial_state: Any = None, which: str = "state") -> jax.Array:
  """``||dL/ds_t||_2`` per example and step, ``[B, T]``, from one backward pass.

  Args:
    which: ``"state"`` (the whole state: ``[c_t; h_t]`` for LSTM) or ``"output"`` (the
      hidden output ``h_t`` only).
  """
  if which not in WHICH:
    raise ValueError(f"which={which!r}; allowed: {WHICH}")
  _, grads = state_gradients(cell, params, xs, loss_fn, initial_state=initial_state)
  if which == "output":
    grads = cell.output(grads)
  return _norm_over_features(grads, lead=2)


def state_trajectory(cell: Any, params: Any, xs: jax.Array, *, initial_state: Any = None
                     ) -> tuple[Any, jax.Array]:
  """States before every step and the projected inputs.

  Returns:
    ``(prev_states, gx)``: ``prev_states`` with leaves ``[B, T, ...]`` where
    ``prev_states[:, t] = s_t`` is the state *entering* step t (``s_0`` the initial state),
    and ``gx [B, T, G]`` the projected inputs, so that
    ``cell.step(params, prev_states[:, t], gx[:, t])`` is step t.
  """
  _check_xs(xs)
  batch, num_steps = xs.shape[0], xs.shape[1]
  state0 = cell.initial_state((batch,)) if initial_state is None else initial_state
  eps = zero_perturbation(cell, batch, num_steps)
  _, _, states = perturbed_scan(cell, params, xs, eps, initial_state=state0)
  prev = jax.tree.map(lambda s0, s: jnp.concatenate([s0[None], s[:-1]], axis=0), state0, states)
  return jax.tree.map(lambda s: jnp.swapaxes(s, 0, 1), prev), cell.project(params, xs)


def step_jacobian(cell: Any, params: Any, state: Any, gx_t: jax.Array) -> jax.Array:
  """The one-step Jacobian ``ds_{t+1}/ds_t`` of ONE example, ``[S, S]`` (S = flat state size).

  Args:
    state: one example's state (leaves without a batch axis, e.g. ``[H]``).
    gx_t: that example's projected input ``[G]``.
  """
  flat_state, unravel = ravel_pytree(state)

  def flat_step(s):
    new_state, _ = cell.step(params, unravel(s), gx_t)
    return ravel_pytree(new_state)[0]

  return jax.jacfwd(flat_step)(flat_state)


def transition_jacobian_norms(cell: Any, params: Any, xs: jax.Array, *,
                              initial_state: Any = None) -> jax.Array:
  """Spectral norms ``||ds_{t+1}/ds_t||_2`` along the trajectory of ``xs``, ``[B, T]``.

  Entry ``[b, t]`` is the largest singular value of the Jacobian of step t w.r.t. the state
  entering it, for example b (``jax.jacfwd`` of ``cell.step``, vmapped over batch and time).
  Cost: one ``[S, S]`` Jacobian and SVD per step and example; keep ``S`` and ``B*T`` small.
  """
  prev_states, gx = state_trajectory(cell, params, xs, initial_state=initial_state)

  def norm_one(state, gx_t):
    return jnp.linalg.norm(step_jacobian(cell, params, state, gx_t), ord=2)

  return jax.vmap(jax.vmap(norm_one))(prev_states, gx)


def decay_rate_per_step(norms_t: jax.Array, *, floor: float = 1e-30) -> float:
  """Slope of ``log ||dL_T/ds_t||`` per step back in time, fitted by least squares.

  Args:
    norms_t: ``[T]`` gradient norms (e.g. a batch mean of :func:`hidden_gradient_norms`).
    floor: norms below it are clipped to it before the log (underflow guard).

  Returns:
    ``rho`` such that ``||dL_T/ds_t|| ~ C * rho ** (T - 1 - t)``: ``rho < 1`` means the
    gradient decays exponentially with the distance to the loss, ``rho ~ 1`` means it does not.
  """
  norms_t = jnp.asarray(norms_t, STATE_DTYPE)
  if norms_t.ndim != 1 or norms_t.shape[0] < 2:
    raise ValueError(f"norms_t must have shape [T] with T >= 2; got {norms_t.shape}")
  distance = jnp.arange(norms_t.shape[0] - 1, -1, -1, dtype=STATE_DTYPE)  # T-1-t
  log_norm = jnp.log(jnp.maximum(norms_t, floor))
  d_c = distance - jnp.mean(distance)
  slope = jnp.sum(d_c * (log_norm - jnp.mean(log_norm))) / jnp.sum(d_c * d_c)
  return float(jnp.exp(slope))
