"""Chunked remat (rnnlab/kernels/chunked_remat.py) == the plain scan, forward and gradients.

Tolerance: float32 rtol=atol=1e-5 (the suite's policy, tests/conftest.py); the chunked run
evaluates the same maths (the projection per chunk instead of once, the same per-step order).
"""
import jax
import jax.numpy as jnp
import pytest

from rnnlab import cells, kernels, recurrence
from tests.kernels import fused_vs_scan

F32 = dict(rtol=1e-5, atol=1e-5)


def test_default_chunk():
  assert kernels.default_chunk(8192) == 128  # a divisor in [sqrt(T), 2 sqrt(T)]
  assert kernels.default_chunk(16) == 4
  assert kernels.default_chunk(7) == 3  # prime: ceil(sqrt(7)), the tail is padded
  assert kernels.default_chunk(5) == 5  # 5 itself lies in [sqrt(5), 2 sqrt(5)]
  assert kernels.default_chunk(1) == 1
  with pytest.raises(ValueError, match="num_steps"):
    kernels.default_chunk(0)


def _plain_inner(cell, params, gx, state, mask):
  """The plain masked step loop (recurrence.scan takes lengths, the inner function a mask)."""
  if mask is None:
    mask = jnp.ones(gx.shape[:2], bool)

  def step(s, inputs):
    gx_t, m_t = inputs
    new, y = cell.step(params, s, gx_t)
    new = jax.tree.map(lambda n, o: jnp.where(m_t[:, None], n, o), new, s)
    return new, jnp.where(m_t[:, None], y, jnp.zeros_like(y))

  return jax.lax.scan(step, state, (gx, mask))


@pytest.mark.parametrize("inner", ["fused", "plain"])
@pytest.mark.parametrize("use_lengths", [False, True])
def test_chunked_remat_equals_plain_scan(inner, use_lengths, key):
  cell = cells.LSTM(6)
  k_p, k_x, k_s, k_w = jax.random.split(key, 4)
  params = fused_vs_scan.randomized_params(cell, k_p)
  xs = jax.random.normal(k_x, (3, 7, fused_vs_scan.INPUT))
  state0 = fused_vs_scan.random_like(k_s, cell.initial_state((3,)))
  lengths = jnp.array(fused_vs_scan.LENGTHS) if use_lengths else None
  inner_fn = kernels.fused_lstm if inner == "fused" else _plain_inner
  weights = fused_vs_scan.random_like(k_w, (state0, jnp.zeros((7, 3, 6))))

  def reference(p, x, s):
    return recurrence.scan(cell, p, x, lengths=lengths, initial_state=s, time_major=True,
                           impl="scan")

  def chunked(p, x, s):
    mask = None if lengths is None else recurrence.length_mask(lengths, 7)
    return kernels.chunked_remat_scan(cell, p, x, s, mask, inner=inner_fn, chunk=3)

  xs_tm = jnp.swapaxes(xs, 0, 1)
  results = []
  for fn in (chunked, reference):
    loss = lambda p, x, s, fn=fn: fused_vs_scan.weighted_sum(fn(p, x, s), weights)
    results.append((fn(params, xs_tm, state0),
                    jax.grad(loss, argnums=(0, 1, 2))(params, xs_tm, state0)))
  fused_vs_scan.assert_trees_close(results[0][0], results[1][0], what="outputs", **F32)
  fused_vs_scan.assert_trees_close(results[0][1], results[1][1], what="gradients", **F32)


def test_chunked_remat_keeps_only_chunk_boundaries_in_memory(key):
  """The compiled backward's temp memory at T=512 is far below the unchunked fused kernel's."""
  cell = cells.LSTM(16)
  params = jax.eval_shape(lambda: cell.init(key, 16))
  xs = jax.ShapeDtypeStruct((512, 4, 16), jnp.float32)
  state0 = cell.initial_state((4,))

  def temp_bytes(run):
    grad = jax.jit(jax.grad(lambda p, x: jnp.sum(run(p, x)[1]), argnums=(0, 1)))
    return grad.lower(params, xs).compile().memory_analysis().temp_size_in_bytes

  full = temp_bytes(lambda p, x: kernels.fused_lstm(cell, p, cell.project(p, x), state0, None))
  chunked = temp_bytes(lambda p, x: kernels.chunked_remat_scan(cell, p, x, state0, None,
                                                                 inner=kernels.fused_lstm))
  assert chunked * 4 <= full, (chunked, full)


def test_bad_chunk_is_rejected(key):
  cell = cells.Elman(4)
  params = cell.init(key, 3)
  with pytest.raises(ValueError, match="chunk"):
    kernels.chunked_remat_scan(cell, params, jnp.ones((5, 2, 3)), cell.initial_state((2,)), None,
                               inner=kernels.fused_elman, chunk=0)
