"""kernels.projection: the fused time-major projection == autodiff of ``xs @ w + b``."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, kernels
from rnnlab.kernels import projection

# float32: the same GEMMs on the same operands, summation order may differ -> 1e-5.
# bfloat16 compute: both paths round to bfloat16 (8 mantissa bits) -> 2e-2 relative.
TOLERANCES = {jnp.float32: 1e-5, jnp.bfloat16: 2e-2}


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.bfloat16])
def test_affine_value_and_gradients_match_autodiff(dtype):
  keys = jax.random.split(jax.random.key(0), 4)
  xs = jax.random.normal(keys[0], (5, 3, 7), dtype)
  w = jax.random.normal(keys[1], (7, 12), dtype)
  b = jax.random.normal(keys[2], (12,), dtype)
  probe = jax.random.normal(keys[3], (5, 3, 12), jnp.float32)

  def loss(fn):
    return lambda xs, w, b: jnp.sum(fn(xs, w, b).astype(jnp.float32) * probe)

  plain = lambda xs, w, b: xs @ w + b.reshape(1, 1, -1)
  tol = TOLERANCES[dtype]
  np.testing.assert_allclose(np.asarray(projection.affine(xs, w, b), np.float32),
                             np.asarray(plain(xs, w, b), np.float32), rtol=tol, atol=tol)
  fused_grads = jax.grad(loss(projection.affine), argnums=(0, 1, 2))(xs, w, b)
  plain_grads = jax.grad(loss(plain), argnums=(0, 1, 2))(xs, w, b)
  for fused, reference in zip(fused_grads, plain_grads):
    assert fused.dtype == reference.dtype == dtype
    scale = float(jnp.max(jnp.abs(reference.astype(jnp.float32))))
    np.testing.assert_allclose(np.asarray(fused, np.float32), np.asarray(reference, np.float32),
                               rtol=tol, atol=tol * scale)


def test_built_in_cells_name_their_projection_bias_and_others_do_not():
  assert kernels.find_projection_bias(cells.LSTM(4)) == "b"
  assert kernels.find_projection_bias(cells.GRU(4)) == "b_x"
  assert kernels.find_projection_bias(cells.Elman(4)) == "b"
  assert kernels.find_projection_bias(cells.LSTM(4, layer_norm=True)) is None

  class MyLSTM(cells.LSTM):
    pass

  assert kernels.find_projection_bias(MyLSTM(4)) is None


def test_wrong_input_size_is_named():
  cell = cells.LSTM(4)
  params = cell.init(jax.random.key(0), 3)
  with pytest.raises(ValueError, match="input feature size 5"):
    projection.project_time_major(cell, params, jnp.zeros((2, 1, 5)), "b")
