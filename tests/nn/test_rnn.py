"""Linen modules: ordinary Flax param trees, same maths as the pure recurrence."""
import chex
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

import rnnlab
from rnnlab import cells, recurrence

TOL = dict(rtol=1e-5, atol=1e-5)


def test_rnn_module_params_come_from_cell_init(key):
  cell = cells.LSTM(4)
  xs = jax.random.normal(key, (2, 5, 3))
  module = rnnlab.nn.RNN(cell=cell)
  variables = module.init(key, xs)
  assert jax.tree.map(np.shape, variables["params"]["cell"]) == {"w_x": (3, 16), "w_h": (4, 16), "b": (16,)}
  lengths = jnp.array([5, 2])
  final, ys = module.apply(variables, xs, lengths=lengths, reverse=True)
  ref_final, ref_ys = recurrence.scan(cell, variables["params"]["cell"], xs, lengths=lengths, reverse=True)
  np.testing.assert_allclose(ys, ref_ys, **TOL)
  chex.assert_trees_all_close(final, ref_final, **TOL)


def test_bidirectional_module(key):
  module = rnnlab.nn.Bidirectional(forward_cell=cells.GRU(3), backward_cell=cells.GRU(3), merge="sum")
  xs = jax.random.normal(key, (2, 4, 5))
  variables = module.init(key, xs)
  (_, _), ys = module.apply(variables, xs)
  _, ref = recurrence.bidirectional(cells.GRU(3), cells.GRU(3), variables["params"], xs, merge="sum")
  np.testing.assert_allclose(ys, ref, **TOL)


def test_stacked_module_with_dropout_rng(key):
  stack_cells = (cells.LSTM(6), cells.LSTM(6))
  module = rnnlab.nn.StackedRNN(cells=stack_cells, dropout_rate=0.3)
  xs = jax.random.normal(key, (2, 4, 5))
  variables = module.init(key, xs)
  finals, ys = module.apply(variables, xs)
  assert len(finals) == 2 and ys.shape == (2, 4, 6)
  layer_params = rnnlab.nn.stacked_params_to_list(variables, 2)
  _, ref = recurrence.stack(stack_cells, layer_params, xs)
  np.testing.assert_allclose(ys, ref, **TOL)
  _, dropped = module.apply(variables, xs, deterministic=False, rngs={"dropout": key})
  assert not np.allclose(dropped, ys)


def test_module_inside_a_larger_flax_model_trains(key):
  class Regressor(nn.Module):
    @nn.compact
    def __call__(self, xs):
      _, ys = rnnlab.nn.RNN(cell=cells.GRU(8))(xs)
      return nn.Dense(1)(ys[:, -1])

  model = Regressor()
  xs = jax.random.normal(key, (16, 6, 2))
  target = jnp.sum(xs[:, :, 0], axis=1, keepdims=True)
  params = model.init(key, xs)

  def loss(p):
    return jnp.mean((model.apply(p, xs) - target) ** 2)

  start = loss(params)
  grad = jax.jit(jax.grad(loss))  # compiled once (op by op, 30 steps took ~60 s)
  for _ in range(30):
    params = jax.tree.map(lambda p, g: p - 0.05 * g, params, grad(params))
  assert loss(params) < 0.5 * start
