"""rnnlab.models.RecurrentModel (the synthetic tasks' model): residual blocks on raw features."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import rnnlab
from rnnlab import cells
from rnnlab.models import recurrent_model
from tests.conftest import FLOAT32_TOL


@pytest.mark.parametrize("read_out", ["all", "last"])
def test_residual_blocks_read_raw_features_through_a_linear_encoder(key, read_out):
  # Issue 13: the adding (2 features) and copy (10) tasks stopped with "block='residual'
  # keeps the width" because nothing mapped the raw features to the blocks' width H.
  stack_cells = (cells.RGLRU(6), cells.RGLRU(6))
  xs = jax.random.normal(key, (3, 7, 2))
  model = recurrent_model.RecurrentModel(cells=stack_cells, num_outputs=1, read_out=read_out,
                                         block="residual")
  params = model.init(key, xs)["params"]
  assert params["input_projection"]["kernel"].shape == (2, 6)
  ys = model.apply({"params": params}, xs)
  # Reference: the same parameters composed by hand (encoder -> stack -> read-out).
  projection = params["input_projection"]
  h = xs @ projection["kernel"] + projection["bias"][None, None, :]
  stack = rnnlab.nn.StackedRNN(cells=stack_cells, block="residual")
  stack_params = {k: v for k, v in params.items() if k.startswith("StackedRNN")}
  _, h = stack.apply({"params": stack_params["StackedRNN_0"]}, h)
  if read_out == "last":
    h = h[:, -1]
  bias = params["Dense_0"]["bias"].reshape((1,) * (h.ndim - 1) + (-1,))
  expected = h @ params["Dense_0"]["kernel"] + bias
  assert ys.shape == expected.shape == ((3, 1) if read_out == "last" else (3, 7, 1))
  np.testing.assert_allclose(ys, expected, **FLOAT32_TOL)


def test_plain_layers_have_no_input_projection(key):
  model = recurrent_model.RecurrentModel(cells=(cells.LSTM(4),), num_outputs=1, read_out="last")
  params = model.init(key, jnp.ones((2, 5, 3)))["params"]
  assert "input_projection" not in params
  assert params["StackedRNN_0"]["layer_0"]["w_x"].shape == (3, 16)
