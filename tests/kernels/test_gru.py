"""Fused GRU BPTT (rnnlab/kernels/gru.py) == the plain scan, forward and all gradients.

Tolerances:
* float32: rtol=atol=1e-5 (the suite's policy, tests/conftest.py): the same maths evaluated
  in another order (the w_h and b_h gradients are one GEMM / one reduction over all steps).
* bfloat16 compute: rtol=atol=2e-2. bfloat16 keeps 8 significant bits (eps = 2^-8 = 3.9e-3);
  both paths round the recurrent matmul operands to bfloat16 at each of the 7 steps, and the
  plain scan also accumulates the per-step w_h gradients in bfloat16 while the fused GEMM
  accumulates in float32, so the two differ by a few bfloat16 eps.
"""
import dataclasses

import jax
import jax.numpy as jnp
import pytest

from rnnlab import cells, kernels
from tests.kernels import fused_vs_scan

F32 = dict(rtol=1e-5, atol=1e-5)
BF16 = dict(rtol=2e-2, atol=2e-2)
VARIANTS = {
    "gru": cells.GRU(6),
    "gru_reset_before": cells.GRU(6, reset_after=False),
}
FLOAT32_CASES = ([("gru", s) for s in fused_vs_scan.MAIN_SCENARIOS]
                 + [("gru_reset_before", s) for s in fused_vs_scan.OTHER_SCENARIOS])


@pytest.mark.parametrize("variant,scenario", FLOAT32_CASES)
def test_fused_equals_scan_float32(variant, scenario, key):
  case = fused_vs_scan.make_case(VARIANTS[variant], scenario, key)
  fused_vs_scan.check_fused_matches_scan(*case, jax.random.fold_in(key, 9), **F32)


@pytest.mark.parametrize("variant,scenario", [("gru", "bidirectional"),
                                               ("gru_reset_before", "lengths")])
def test_fused_equals_scan_bfloat16_compute(variant, scenario, key):
  cell = dataclasses.replace(VARIANTS[variant], dtype=jnp.bfloat16)
  case = fused_vs_scan.make_case(cell, scenario, key)
  fused_vs_scan.check_fused_matches_scan(*case, jax.random.fold_in(key, 9), **BF16)


def test_auto_uses_the_fused_kernel():
  assert kernels.find_fused(cells.GRU(4)) is kernels.fused_gru
  assert kernels.find_fused(cells.GRU(4, reset_after=False)) is kernels.fused_gru


def test_bad_unroll_is_rejected(key):
  cell = cells.GRU(4)
  params = cell.init(key, 3)
  with pytest.raises(ValueError, match="unroll"):
    kernels.fused_gru(cell, params, jnp.ones((3, 2, 12)), cell.initial_state((2,)), None, unroll=0)
