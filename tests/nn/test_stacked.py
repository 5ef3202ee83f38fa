"""rnnlab.nn.StackedRNN: the pure recurrence.stack's maths, plus dropout placement and pyramids."""
import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import rnnlab
from rnnlab import cells, features, recurrence
from tests.conftest import FLOAT32_TOL


def _xs(key, shape=(3, 6, 5)):
  return jax.random.normal(key, shape)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("residual", [False, True])
def test_equals_pure_stack_with_lengths_and_initial_states(key, bidirectional, residual):
  k_x, k_init, k_state = jax.random.split(key, 3)
  stack_cells = (cells.GRU(4), cells.GRU(4), cells.GRU(4))
  xs = _xs(k_x, (3, 6, 8 if bidirectional else 4))
  lengths = jnp.array([6, 3, 1])
  module = rnnlab.nn.StackedRNN(cells=stack_cells, bidirectional=bidirectional, residual=residual)
  variables = module.init(k_init, xs, lengths)
  state = jax.random.normal(k_state, (3, 4))
  init = [(state, -state) if bidirectional else state for _ in stack_cells]
  finals, ys = module.apply(variables, xs, lengths, init)
  params = rnnlab.nn.stacked_params_to_list(variables, 3, bidirectional)
  ref_finals, ref_ys = recurrence.stack(stack_cells, params, xs, lengths=lengths,
                                        initial_states=init, residual=residual,
                                        bidirectional_layers=bidirectional)
  np.testing.assert_allclose(ys, ref_ys, **FLOAT32_TOL)
  chex.assert_trees_all_close(finals, ref_finals, **FLOAT32_TOL)
  assert ys.shape == (3, 6, 8 if bidirectional else 4)
  if bidirectional:
    assert set(variables["params"]["layer_0"]) == {"forward", "backward"}


def test_reduction_factors_stack_frames_before_each_layer(key):
  k_x, k_init = jax.random.split(key)
  stack_cells = (cells.LSTM(3), cells.LSTM(3))
  xs = _xs(k_x, (2, 7, 2))
  lengths = jnp.array([7, 4])
  module = rnnlab.nn.StackedRNN(cells=stack_cells, reduction_factors=(2, 2))
  variables = module.init(k_init, xs, lengths)
  _, ys = module.apply(variables, xs, lengths)
  # By hand: stack 2 frames, layer 0, stack 2 frames, layer 1.
  params = rnnlab.nn.stacked_params_to_list(variables, 2)
  h, lens = features.stack_frames(xs, lengths, 2)
  _, h = recurrence.scan(stack_cells[0], params[0], h, lengths=lens)
  h, lens = features.stack_frames(h, lens, 2)
  _, ref = recurrence.scan(stack_cells[1], params[1], h, lengths=lens)
  assert ys.shape == (2, 2, 3)
  np.testing.assert_allclose(ys, ref, **FLOAT32_TOL)
  np.testing.assert_array_equal(rnnlab.nn.reduced_lengths(lengths, (2, 2)), [2, 1])


@pytest.mark.parametrize("places, expected", [
    (dict(), 1),  # between the two layers only
    (dict(input_dropout=True), 2),
    (dict(input_dropout=True, output_dropout=True), 3),
])
def test_dropout_placement(key, places, expected):
  module = rnnlab.nn.StackedRNN(cells=(cells.Elman(4), cells.Elman(4)), dropout_rate=0.5,
                                **places)
  xs = jnp.ones((2, 5, 4))
  variables = module.init(key, xs)
  applied = []

  def count(next_fun, args, kwargs, context):
    if context.module.__class__.__name__ == "Dropout" and context.method_name == "__call__":
      applied.append(context.module.name)
    return next_fun(*args, **kwargs)

  import flax.linen as nn  # pylint: disable=import-outside-toplevel
  with nn.intercept_methods(count):
    _, dropped = module.apply(variables, xs, deterministic=False, rngs={"dropout": key})
  assert len(applied) == expected
  _, clean = module.apply(variables, xs)
  assert not np.allclose(dropped, clean)


def test_variational_dropout_shares_one_mask_over_time(key):
  module = rnnlab.nn.StackedRNN(cells=(cells.Elman(4),), dropout_rate=0.5, input_dropout=True,
                                variational_dropout=True)
  xs = jnp.ones((3, 6, 4))
  variables = module.init(key, xs)
  captured = []

  def capture(next_fun, args, kwargs, context):
    out = next_fun(*args, **kwargs)
    if context.module.__class__.__name__ == "Dropout" and context.method_name == "__call__":
      captured.append(out)
    return out

  import flax.linen as nn  # pylint: disable=import-outside-toplevel
  with nn.intercept_methods(capture):
    module.apply(variables, xs, deterministic=False, rngs={"dropout": key})
  zero = np.asarray(captured[0]) == 0
  assert zero.any() and not zero.all()
  assert (zero == zero[:, :1]).all()


@pytest.mark.parametrize("kwargs, match", [
    (dict(dropout_rate=1.0), "dropout_rate=1.0"),
    (dict(block="transformer"), "block='transformer'; allowed: \\('none', 'residual'\\)"),
    (dict(block="residual", bidirectional=True), "allowed with it: bidirectional=False"),
    (dict(reduction_factors=(2,)), "one entry per layer"),
    (dict(reduction_factors=(0, 1)), "allowed: ints >= 1"),
])
def test_bad_options_are_clear_errors(key, kwargs, match):
  module = rnnlab.nn.StackedRNN(cells=(cells.Elman(4), cells.Elman(4)), **kwargs)
  with pytest.raises(ValueError, match=match):
    module.init(key, jnp.ones((1, 4, 4)))


def test_residual_between_different_sizes_is_an_error(key):
  module = rnnlab.nn.StackedRNN(cells=(cells.Elman(4), cells.Elman(3)), residual=True)
  with pytest.raises(ValueError, match="residual connection at layer 1"):
    module.init(key, jnp.ones((1, 4, 2)))


def test_residual_block_layers_equal_the_block_module(key):
  stack_cells = (cells.MinGRU(4), cells.MinGRU(4))
  xs = _xs(key, (2, 5, 4))
  lengths = jnp.array([5, 3])
  module = rnnlab.nn.StackedRNN(cells=stack_cells, block="residual")
  variables = module.init(key, xs, lengths)
  finals, ys = module.apply(variables, xs, lengths)
  h = xs
  for layer, cell in enumerate(stack_cells):
    block = rnnlab.nn.ResidualBlock(cell=cell, hidden_size=4)
    state, h = block.apply({"params": variables["params"][f"layer_{layer}"]}, h, lengths)
    chex.assert_trees_all_close(finals[layer], state, **FLOAT32_TOL)
  np.testing.assert_allclose(ys, h, **FLOAT32_TOL)
  with pytest.raises(ValueError, match="block='residual' keeps the width: layer 0 reads 3"):
    module.init(key, xs[..., :3], lengths)
