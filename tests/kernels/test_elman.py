"""Fused Elman BPTT (rnnlab/kernels/elman.py) == the plain scan, forward and all gradients.

Float32 and bfloat16-compute cases and their tolerances: tests/kernels/fused_vs_scan.py
(the w_h gradient is one GEMM instead of a sum of per-step products).
"""
import dataclasses

from rnnlab import cells, kernels
from tests.kernels import fused_vs_scan

VARIANTS = {
    "elman_tanh": cells.Elman(6),
    "irnn": cells.make_cell("irnn", hidden_size=6),
}
test_fused_equals_scan_float32, test_fused_equals_scan_bfloat16_compute = (
    fused_vs_scan.fused_equals_scan_tests(VARIANTS))


def test_auto_uses_the_fused_kernel():
  assert kernels.find_fused(cells.Elman(4)) is kernels.fused_elman
  assert kernels.find_fused(cells.Elman(4, activation="relu")) is kernels.fused_elman


def test_researchers_subclass_falls_back_to_the_plain_scan():
  @dataclasses.dataclass(frozen=True)
  class MyElman(cells.Elman):
    pass

  assert kernels.find_fused(MyElman(4)) is None
