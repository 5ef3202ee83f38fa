"""Fused LSTM BPTT (rnnlab/kernels/lstm.py) == the plain scan, forward and all gradients.

Float32 and bfloat16-compute cases and their tolerances: tests/kernels/fused_vs_scan.py
(the w_h gradient is one GEMM instead of a sum of per-step products).
"""
import jax.numpy as jnp
import pytest

from rnnlab import cells, kernels, recurrence
from tests.kernels import fused_vs_scan

VARIANTS = {
    "lstm": cells.LSTM(6),
    "lstm_peephole": cells.LSTM(6, peephole=True, forget_bias=0.5),
}
test_fused_equals_scan_float32, test_fused_equals_scan_bfloat16_compute = (
    fused_vs_scan.fused_equals_scan_tests(VARIANTS))


def test_auto_uses_the_fused_kernel():
  assert kernels.find_fused(cells.LSTM(4)) is kernels.fused_lstm
  assert kernels.find_fused(cells.LSTM(4, peephole=True)) is kernels.fused_lstm


def test_layer_norm_falls_back_to_the_plain_scan(key):
  cell = cells.LSTM(4, layer_norm=True)
  assert kernels.find_fused(cell) is None
  params = cell.init(key, 3)
  xs = jnp.ones((2, 3, 3))
  with pytest.raises(ValueError, match="no fused kernel"):
    recurrence.scan(cell, params, xs, impl="fused")
  with pytest.raises(ValueError, match="layer_norm"):
    kernels.fused_lstm(cell, params, jnp.ones((3, 2, 16)), cell.initial_state((2,)), None)


def test_bad_unroll_is_rejected(key):
  cell = cells.LSTM(4)
  params = cell.init(key, 3)
  with pytest.raises(ValueError, match="unroll"):
    kernels.fused_lstm(cell, params, jnp.ones((3, 2, 16)), cell.initial_state((2,)), None, unroll=0)
