"""experiments/benchmarks/parallel_scan.py runs (smoke mode) and reports every cell and T."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "experiments", "benchmarks", "parallel_scan.py")


def test_smoke_mode_measures_every_cell_both_impls(tmp_path):
  spec = importlib.util.spec_from_file_location("parallel_scan_benchmark", SCRIPT)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  rows = module.main(["--smoke", "--cells=lru", f"--json={tmp_path / 'rows.json'}"])
  assert {(r["cell"], r["impl"]) for r in rows} == {
      ("lstm", "fused"), ("lru", "scan"), ("lru", "parallel")}
  assert {r["steps"] for r in rows} == {16, 64}
  assert all(r["tokens_per_s"] > 0 and r["compile_s"] > 0 for r in rows)
  assert (tmp_path / "rows.json").exists()
