"""experiments/benchmarks: the GPU script's smoke mode and the CPU benchmark's two modes run
end to end at tiny sizes (so the scripts cannot rot), and their outputs say what they measured."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCHMARKS = os.path.join(ROOT, "experiments", "benchmarks")


def _run(script, *args):
  result = subprocess.run([sys.executable, os.path.join(BENCHMARKS, script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
  assert result.returncode == 0, result.stderr[-3000:]
  return result.stdout


@pytest.mark.slow  # ~20 small programs compiled on the CPU
def test_gpu_script_smoke_mode(tmp_path):
  out = _run("gpu.py", "--smoke", f"--json={tmp_path / 'gpu.json'}")
  with open(tmp_path / "gpu.json") as f:
    result = json.load(f)
  rows = result["rows"]
  measured = {(r["case"].split()[0], r["case"].split()[-1], r["implementation"]): r
              for r in rows if "skipped" not in r}
  for cell in ("lstm", "gru"):
    for dtype in ("float32", "bfloat16"):
      for impl in ("rnnlab", "rnnlab-scan", "flax"):
        row = measured[(cell, dtype, impl)]
        assert row["tokens_per_s"] > 0 and row["temp_bytes"] is not None
        assert row["reference"] in ("torch", "rnnlab") and row["x_reference"] > 0
  skipped = {(r["case"].split()[0], r["implementation"]): r["skipped"] for r in rows
             if "skipped" in r}
  if result["machine"]["backend"] != "gpu":
    assert skipped[("lstm", "jax-cudnn")].startswith(("no cuDNN RNN on backend",
                                                      "jax.experimental.rnn supports float32"))
    assert ("gru", "rnnlab-cudnn") not in skipped  # only the LSTM has a cuDNN row
  parallel = [r for r in rows if r["part"] == "parallel"]
  assert parallel and all("skipped" in r or r["x_reference"] > 0 for r in parallel)
  assert "| case" in out and "x reference" in out and "temp MiB" in out


@pytest.mark.slow  # two child processes, each compiling a few tiny programs
def test_cpu_benchmark_reports_both_modes(tmp_path):
  out = _run("recurrent_core.py", "--cells=lstm", "--hidden=8", "--batch=2", "--steps=4",
             "--rounds=1", "--calls=1", "--gemm_size=32", "--peers=scan,own",
             f"--json={tmp_path / 'core.json'}")
  with open(tmp_path / "core.json") as f:
    modes = json.load(f)["modes"]
  assert list(modes) == ["single", "threads"]
  single, threads = modes["single"], modes["threads"]
  assert single["args"]["clock"] == "process" and threads["args"]["clock"] == "wall"
  assert single["machine"]["cpus_usable"] == 1 and single["machine"].get("torch_threads", 1) == 1
  assert "--xla_cpu_multi_thread_eigen=false" in single["xla_flags"]
  for mode in (single, threads):
    assert {r["implementation"] for r in mode["rows"]} == {"rnnlab", "rnnlab-scan", "own",
                                                           "own-project"}
    assert mode["machine"]["cpu_model"] and mode["load_average_start"] is not None
  assert out.count("CPU: ") == 2 and out.count("load average (1/5/15 min) at start") == 2
  assert "== single: single thread, process CPU time" in out
