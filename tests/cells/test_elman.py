"""Elman RNN against seed 003: forward equations and the manual BPTT (eqs. 12-16)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, recurrence
from tests.cells import numpy_oracles
from tests.cells.cases import randomized_params

# float32 JAX vs float64 NumPy over a few steps: float32 rounding, rtol=atol=1e-5.
TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_forward_matches_numpy_oracle(activation, key):
  cell = cells.Elman(5, activation=activation)
  params = randomized_params(cell, key, input_size=3)
  xs = jax.random.normal(jax.random.fold_in(key, 7), (2, 6, 3))
  _, ys = recurrence.scan(cell, params, xs)
  for b in range(2):
    ref = numpy_oracles.elman_forward(params, xs[b], np.zeros(5), activation)
    np.testing.assert_allclose(ys[b], ref, **TOL)


def test_jax_grad_equals_seed_003_manual_bptt(key):
  """dL/dW, dL/dU, dL/dV (and db) from jax.grad equal the hand-derived BPTT of seed 003."""
  cell = cells.Elman(4)
  k_p, k_v, k_x, k_t = jax.random.split(key, 4)
  params = randomized_params(cell, k_p, input_size=3)
  v = jax.random.normal(k_v, (4, 2))
  xs = jax.random.normal(k_x, (1, 8, 3))
  targets = jax.random.normal(k_t, (8, 2))

  def loss(params, v):
    _, hs = recurrence.scan(cell, params, xs)
    return 0.5 * jnp.sum((hs[0] @ v - targets) ** 2)

  value, (grads, grad_v) = jax.value_and_grad(loss, argnums=(0, 1))(params, v)
  ref_loss, ref = numpy_oracles.elman_manual_bptt(params, v, xs[0], np.asarray(targets))
  np.testing.assert_allclose(value, ref_loss, rtol=1e-5)
  for name in ("w_x", "w_h", "b"):
    np.testing.assert_allclose(grads[name], ref[name], **TOL, err_msg=name)
  np.testing.assert_allclose(grad_v, ref["v"], **TOL)


def test_irnn_is_relu_with_identity_recurrence(key):
  cell = cells.make_cell("irnn", hidden_size=5)
  assert cell.activation == "relu"
  np.testing.assert_array_equal(cell.init(key, 3)["w_h"], np.eye(5))


def test_orthogonal_recurrent_init_is_orthogonal(key):
  w_h = cells.Elman(16, recurrent_init="orthogonal").init(key, 3)["w_h"]
  np.testing.assert_allclose(w_h.T @ w_h, np.eye(16), atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(hidden_size=4, activation="sigmoid"), "activation 'sigmoid'.*allowed.*relu.*tanh"),
    (dict(hidden_size=0), "hidden_size=0.*int > 0"),
    (dict(hidden_size=-3), "hidden_size=-3"),
    (dict(hidden_size=4, recurrent_init="xavier"), "initializer 'xavier'.*allowed"),
    (dict(hidden_size=4, dtype="int32"), "dtype='int32'.*allowed"),
])
def test_bad_hyperparameters_raise_value_error(kwargs, match):
  with pytest.raises(ValueError, match=match):
    cells.Elman(**kwargs)


def test_identity_init_rejects_non_square_input_weights(key):
  with pytest.raises(ValueError, match="identity.*square"):
    cells.Elman(4, input_init="identity").init(key, 3)
