"""ResidualBlock: lengths respected (no leak from padding, also through the conv), causal,
state carried across segments, any cell."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells
from rnnlab.nn import ResidualBlock
from rnnlab.nn.residual_block import causal_conv
from tests.conftest import FLOAT32_TOL

H = 6


@pytest.mark.parametrize("cell", [cells.RGLRU(H), cells.LSTM(H)], ids=["rglru", "lstm"])
def test_padded_rows_equal_rows_alone_and_padding_cannot_leak(cell, key):
  block = ResidualBlock(cell=cell, hidden_size=H, conv_width=4, mlp_expansion=2)
  xs = jax.random.normal(key, (3, 7, H))
  lengths = jnp.array([7, 3, 0])
  variables = block.init(key, xs, lengths)
  poisoned = xs.at[1, 3:].set(jnp.nan).at[2].set(jnp.inf)  # garbage on padded steps
  state, ys = block.apply(variables, poisoned, lengths)
  assert bool(jnp.all(jnp.isfinite(ys)))
  for b, n in enumerate(lengths.tolist()):
    np.testing.assert_array_equal(ys[b, n:], 0.0)
    if n:
      alone_state, alone = block.apply(variables, xs[b:b + 1, :n])
      np.testing.assert_allclose(ys[b, :n], alone[0], **FLOAT32_TOL)
      for got, want in zip(jax.tree.leaves(state), jax.tree.leaves(alone_state)):
        np.testing.assert_allclose(got[b], want[0], **FLOAT32_TOL)


def test_causal_and_state_carries_across_segments(key):
  block = ResidualBlock(cell=cells.MinGRU(H), hidden_size=H, conv_width=4, impl="parallel")
  xs = jax.random.normal(key, (2, 10, H))
  variables = block.init(key, xs)
  _, full = block.apply(variables, xs)
  # A change at step 6 changes nothing before it (causal conv + recurrence).
  _, changed = block.apply(variables, xs.at[:, 6].add(1.0))
  np.testing.assert_array_equal(changed[:, :6], full[:, :6])
  assert not np.allclose(changed[:, 6], full[:, 6])
  # Two segments with the state (conv history + cell state) passed on == one run.
  state, first = block.apply(variables, xs[:, :4])
  _, second = block.apply(variables, xs[:, 4:], None, state)
  np.testing.assert_allclose(jnp.concatenate([first, second], 1), full, **FLOAT32_TOL)


def test_causal_conv_equals_a_direct_sum(key):
  xs = jax.random.normal(key, (1, 5, 2))
  kernel = jax.random.normal(jax.random.fold_in(key, 1), (3, 2))
  out = causal_conv(xs, kernel, jnp.zeros(2), jnp.zeros((1, 2, 2)))
  x = np.concatenate([np.zeros((2, 2)), np.asarray(xs[0])])
  ref = [sum(np.asarray(kernel[k]) * x[t + k] for k in range(3)) for t in range(5)]
  np.testing.assert_allclose(out[0], np.stack(ref), **FLOAT32_TOL)


def test_without_conv_and_bad_arguments(key):
  xs = jnp.ones((1, 3, H))
  block = ResidualBlock(cell=cells.LRU(H), hidden_size=H, conv_width=0)
  _, ys = block.apply(block.init(key, xs), xs)
  assert ys.shape == (1, 3, H)
  with pytest.raises(ValueError, match="cell hidden_size=4 must equal the block's hidden_size=6"):
    ResidualBlock(cell=cells.GRU(4), hidden_size=H).init(key, xs)
  with pytest.raises(ValueError, match="conv_width=-1"):
    ResidualBlock(cell=cells.GRU(H), hidden_size=H, conv_width=-1).init(key, xs)
