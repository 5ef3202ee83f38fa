"""kernels.projection: the fused time-major projection == autodiff of ``xs @ w + b``, and
researchers' own token-wise cells get it on the plain scan (equal to their own ``project``)."""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, kernels, recurrence
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


# ---- researchers' own token-wise cells get the fused projection on the plain scan ----------


@dataclasses.dataclass(frozen=True)
class CoupledGateCell(cells.RecurrentCell):
  """A researcher-style cell (coupled input/forget gate): keeps the inherited ``project``."""

  num_gates = 2

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    return {"w_x": self._input_weights(input_key, input_size),
            "w_h": self._recurrent_weights(recurrent_key),
            "b": jnp.zeros((2 * self.hidden_size,), self.param_dtype)}

  def step(self, params, state, gx_t):
    z = gx_t.astype(self.state_dtype) + self.recurrent_matmul(params, state)
    z_f, z_g = cells.split_gates(z, 2)
    f = jax.nn.sigmoid(z_f)
    h = f * state + (1.0 - f) * jnp.tanh(z_g)
    return h, h.astype(self.dtype)


@dataclasses.dataclass(frozen=True)
class OwnProjectCoupledGateCell(CoupledGateCell):
  """The same maths with its own (equal) ``project``: keeps ``cell.project``."""

  def project(self, params, xs):
    return xs @ params["w_x"] + params["b"].reshape((1,) * (xs.ndim - 1) + (-1,))


@dataclasses.dataclass(frozen=True)
class DeclaredCell:
  """Not a RecurrentCell: declares its token-wise projection and its bias name."""

  hidden_size: int
  projection_bias = "bias"

  def init(self, key, input_size):
    kx, kh, kb = jax.random.split(key, 3)
    return {"w_x": jax.random.normal(kx, (input_size, self.hidden_size)) / input_size ** 0.5,
            "w_h": jax.random.normal(kh, (self.hidden_size,) * 2) / self.hidden_size ** 0.5,
            "bias": 0.1 * jax.random.normal(kb, (self.hidden_size,))}

  def initial_state(self, batch_shape=()):
    return jnp.zeros((*batch_shape, self.hidden_size))

  def project(self, params, xs):
    return xs @ params["w_x"] + params["bias"].reshape((1,) * (xs.ndim - 1) + (-1,))

  def step(self, params, h, gx_t):
    h = jnp.tanh(gx_t + h @ params["w_h"])
    return h, h


@dataclasses.dataclass(frozen=True)
class OptedOutCell(DeclaredCell):
  projection_bias = None


def test_own_cells_are_detected_as_token_wise():
  assert kernels.find_projection_bias(CoupledGateCell(4)) == "b"
  assert kernels.find_projection_bias(OwnProjectCoupledGateCell(4)) is None
  assert kernels.find_projection_bias(DeclaredCell(4)) == "bias"
  assert kernels.find_projection_bias(OptedOutCell(4)) is None

  @dataclasses.dataclass(frozen=True)
  class BadDeclaration(DeclaredCell):
    projection_bias = 3

  with pytest.raises(ValueError, match=r"BadDeclaration.projection_bias=3; allowed"):
    kernels.find_projection_bias(BadDeclaration(4))


def _uses_fused_projection(run, *args) -> bool:
  return "custom_vjp_call" in str(jax.make_jaxpr(run)(*args))


@pytest.mark.parametrize("fast_cell, reference_cell", [
    (CoupledGateCell(6), OwnProjectCoupledGateCell(6)),
    (DeclaredCell(6), OptedOutCell(6)),
])
@pytest.mark.parametrize("reverse", [False, True])
def test_own_token_wise_cell_on_the_plain_scan_equals_its_own_project(fast_cell, reference_cell,
                                                                      reverse):
  keys = jax.random.split(jax.random.key(3), 4)
  params = fast_cell.init(keys[0], 5)
  params = {name: p + 0.3 * jax.random.normal(jax.random.fold_in(keys[1], i), p.shape, p.dtype)
            for i, (name, p) in enumerate(sorted(params.items()))}  # non-zero biases
  xs = jax.random.normal(keys[2], (3, 7, 5))
  lengths = jnp.array([7, 4, 0])
  probe = jax.random.normal(keys[3], (3, 7, 6))

  def loss(cell):
    def run(params, xs):
      final, ys = recurrence.scan(cell, params, xs, lengths=lengths, reverse=reverse)
      return jnp.sum(ys * probe) + jnp.sum(jnp.sin(final)), ys
    return jax.value_and_grad(run, argnums=(0, 1), has_aux=True)

  assert _uses_fused_projection(loss(fast_cell), params, xs)
  assert not _uses_fused_projection(loss(reference_cell), params, xs)
  (_, ys), grads = jax.jit(loss(fast_cell))(params, xs)
  (_, ref_ys), ref_grads = jax.jit(loss(reference_cell))(params, xs)
  # float32, the same GEMMs on the same operands in another layout: FLOAT32_TOL (1e-5).
  np.testing.assert_allclose(ys, ref_ys, rtol=1e-5, atol=1e-5)
  for got, want in zip(jax.tree.leaves(grads), jax.tree.leaves(ref_grads)):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_declared_cell_wrong_input_size_is_named():
  cell = DeclaredCell(4)
  params = cell.init(jax.random.key(0), 3)
  with pytest.raises(ValueError, match="input feature size 5 does not match"):
    recurrence.scan(cell, params, jnp.zeros((2, 1, 5)))
