"""Parameter counts against the textbook formulas."""
import flax.linen as nn
import jax
import jax.numpy as jnp
import pytest

import rnnlab
from rnnlab import cells


def test_seed_001_simple_rnn_3_on_5_features_plus_dense_1_is_31(key):
  class Model(nn.Module):
    @nn.compact
    def __call__(self, xs):
      _, ys = rnnlab.nn.RNN(cell=cells.Elman(3))(xs)
      return nn.Dense(1)(ys[:, -1])

  params = Model().init(key, jnp.ones((1, 4, 5)))
  assert rnnlab.count_params(params) == 31


@pytest.mark.parametrize("d, h", [(5, 3), (32, 64), (7, 1)])
def test_lstm_and_gru_formulas(d, h, key):
  assert rnnlab.count_params(cells.LSTM(h).init(key, d)) == 4 * (d * h + h * h + h)
  assert rnnlab.count_params(cells.GRU(h).init(key, d)) == 3 * (d * h + h * h + 2 * h)
  assert rnnlab.count_params(cells.Elman(h).init(key, d)) == d * h + h * h + h
  assert rnnlab.count_params(cells.LSTM(h, peephole=True).init(key, d)) == 4 * (d * h + h * h + h) + 3 * h


def test_make_cell_errors():
  with pytest.raises(ValueError, match="unknown cell 'transformer'; allowed: .*'gru'.*'lstm'"):
    cells.make_cell("transformer", hidden_size=4)
  with pytest.raises(ValueError, match="cell 'lstm': bad hyperparameters"):
    cells.make_cell("lstm", hidden_size=4, peepholes=True)
  with pytest.raises(ValueError, match="input_size=0"):
    cells.LSTM(4).init(jax.random.key(0), 0)
