"""kernels.cudnn_lstm: cuDNN's LSTM (jax.experimental.rnn) == the plain scan.

On CPU: the weight packing and the padding/initial-state handling are checked with
``jax.experimental.rnn``'s own pure-JAX reference (``lstm_ref``) in place of cuDNN, through
``recurrence.scan``'s dispatch. On a GPU (and only there): the real cuDNN call, forward and
gradients. Tolerance: float32 at full matmul precision (``jax.default_matmul_precision
("highest")``, so neither side uses TF32) -> FLOAT32_TOL (1e-5).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.experimental import rnn as jax_rnn

from rnnlab import cells, kernels, recurrence
from rnnlab.kernels import cudnn_lstm
from tests.kernels.fused_vs_scan import randomized_params

TOL = dict(rtol=1e-5, atol=1e-5)
BATCH, STEPS, INPUT, HIDDEN = 3, 7, 5, 6
LENGTHS = (7, 4, 0)  # full, padded, empty


def reference_call(x, h0, c0, weights, seq_lengths, input_size, hidden_size):
  """``jax.experimental.rnn.lstm``'s signature on its pure-JAX reference (any backend)."""
  w_ih, w_hh, b_ih, b_hh = jax_rnn.unpack_lstm_weights(weights, input_size, hidden_size, 1, False)
  return jax_rnn.lstm_ref(x, h0, c0, w_ih, w_hh, b_ih, b_hh, seq_lengths, input_size,
                          hidden_size, 1, 0.0, False)


def test_supports_only_plain_float32_lstm():
  assert cudnn_lstm.supports(cells.LSTM(4))
  assert not cudnn_lstm.supports(cells.LSTM(4, peephole=True))
  assert not cudnn_lstm.supports(cells.LSTM(4, layer_norm=True))
  assert not cudnn_lstm.supports(cells.LSTM(4, dtype=jnp.bfloat16))
  assert not cudnn_lstm.supports(cells.GRU(4))


def test_off_by_default_and_never_on_cpu(monkeypatch):
  assert cudnn_lstm.ENABLED is False  # until the GPU benchmark shows it faster
  monkeypatch.setattr(cudnn_lstm, "ENABLED", True)
  expected = cudnn_lstm.cudnn_lstm if cudnn_lstm.available() else None
  assert kernels.find_cudnn(cells.LSTM(4)) is expected
  assert kernels.find_cudnn(cells.LSTM(4, peephole=True)) is None


def test_environment_switch_is_validated(monkeypatch):
  monkeypatch.setenv(cudnn_lstm.ENV_VAR, "yes")
  with pytest.raises(ValueError, match=r"RNNLAB_CUDNN_LSTM='yes'; allowed: '0'"):
    cudnn_lstm._enabled_from_environment()  # pylint: disable=protected-access
  monkeypatch.setenv(cudnn_lstm.ENV_VAR, "1")
  assert cudnn_lstm._enabled_from_environment()  # pylint: disable=protected-access


def test_packed_weights_unpack_to_transposed_params(key):
  params = randomized_params(cells.LSTM(HIDDEN), key, INPUT)
  w_ih, w_hh, b_ih, b_hh = jax_rnn.unpack_lstm_weights(cudnn_lstm.pack_weights(params), INPUT,
                                                       HIDDEN, 1, False)
  np.testing.assert_array_equal(w_ih[0], params["w_x"].T)
  np.testing.assert_array_equal(w_hh[0], params["w_h"].T)
  np.testing.assert_array_equal(b_ih[0], params["b"])
  np.testing.assert_array_equal(b_hh[0], np.zeros(4 * HIDDEN))
  assert cudnn_lstm.pack_weights(params).shape == (
      jax_rnn.get_num_params_in_lstm(INPUT, HIDDEN, 1, False),)


def _outputs_and_grads(run, params, xs, state0, key):
  shapes = jax.tree.leaves(jax.eval_shape(run, params, xs, state0))
  weights = [jax.random.normal(jax.random.fold_in(key, i), s.shape) for i, s in enumerate(shapes)]

  def loss(p, x, s):
    out = run(p, x, s)
    return sum(jnp.sum(o * w) for o, w in zip(jax.tree.leaves(out), weights)), out

  grads, out = jax.jit(jax.grad(loss, argnums=(0, 1, 2), has_aux=True))(params, xs, state0)
  return out, grads


def _check_against_plain_scan(lstm_call, key, monkeypatch):
  cell = cells.LSTM(HIDDEN)
  k_p, k_x, k_s, k_w = jax.random.split(key, 4)
  params = randomized_params(cell, k_p, INPUT)
  xs = jax.random.normal(k_x, (BATCH, STEPS, INPUT))
  state0 = tuple(jax.random.normal(k, (BATCH, HIDDEN)) for k in jax.random.split(k_s))
  lengths = jnp.array(LENGTHS)
  calls = []
  monkeypatch.setattr(cudnn_lstm, "ENABLED", True)
  monkeypatch.setattr(cudnn_lstm, "available", lambda: True)
  monkeypatch.setattr(kernels.cudnn_lstm, "cudnn_lstm",
                      lambda *a, _f=cudnn_lstm.cudnn_lstm, **k: calls.append(1) or _f(
                          *a, lstm_call=lstm_call, **k))
  for reverse in (False, True):
    for lens in (None, lengths):
      def run(impl, p, x, s, lens=lens, reverse=reverse):
        return recurrence.scan(cell, p, x, lengths=lens, reverse=reverse, initial_state=s,
                               impl=impl)
      with jax.default_matmul_precision("highest"):
        got = _outputs_and_grads(lambda p, x, s: run("auto", p, x, s), params, xs, state0, k_w)
        want = _outputs_and_grads(lambda p, x, s: run("scan", p, x, s), params, xs, state0, k_w)
      for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
        np.testing.assert_allclose(g, w, **TOL)
  assert len(calls) == 2 * 4  # cuDNN path traced twice (eval_shape, jit) per configuration


def test_dispatch_with_the_reference_lstm_equals_the_plain_scan(key, monkeypatch):
  _check_against_plain_scan(reference_call, key, monkeypatch)


@pytest.mark.skipif(not cudnn_lstm.available(),
                    reason="needs a GPU backend with cuDNN's RNN (jax.experimental.rnn); "
                           f"this run's backend is {jax.default_backend()!r}")
def test_cudnn_equals_the_plain_scan_on_gpu(key, monkeypatch):
  cudnn_call = cudnn_lstm._cudnn_call  # pylint: disable=protected-access
  _check_against_plain_scan(cudnn_call, key, monkeypatch)
