"""Fused GRU BPTT (rnnlab/kernels/gru.py) == the plain scan, forward and all gradients.

Float32 and bfloat16-compute cases and their tolerances: tests/kernels/fused_vs_scan.py
(the w_h and b_h gradients are one GEMM / one reduction over all steps).
"""
import jax.numpy as jnp
import pytest

from rnnlab import cells, kernels
from tests.kernels import fused_vs_scan

VARIANTS = {
    "gru": cells.GRU(6),
    "gru_reset_before": cells.GRU(6, reset_after=False),
}
test_fused_equals_scan_float32, test_fused_equals_scan_bfloat16_compute = (
    fused_vs_scan.fused_equals_scan_tests(VARIANTS))


def test_auto_uses_the_fused_kernel():
  assert kernels.find_fused(cells.GRU(4)) is kernels.fused_gru
  assert kernels.find_fused(cells.GRU(4, reset_after=False)) is kernels.fused_gru


def test_bad_unroll_is_rejected(key):
  cell = cells.GRU(4)
  params = cell.init(key, 3)
  with pytest.raises(ValueError, match="unroll"):
    kernels.fused_gru(cell, params, jnp.ones((3, 2, 12)), cell.initial_state((2,)), None, unroll=0)
