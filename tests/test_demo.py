"""rnnlab.demo: a tiny variant runs end to end and leaves a run dir results.load reads."""
import os
import subprocess
import sys

import pytest

from rnnlab.analysis import results

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
def test_tiny_demo_trains_reports_samples_and_plots(tmp_path):
  workdir = tmp_path / "demo"
  out = subprocess.run(
      [sys.executable, "-m", "rnnlab.demo", f"--workdir={workdir}",
       "--config=configs/lm/char_default.py:debug", "--sample_length=40"],
      cwd=REPO, check=True, capture_output=True, text=True, timeout=600)
  assert "RNN bits_per_char" in out.stdout and "3-gram KN bits_per_char" in out.stdout
  assert "Sample (checkpoint step" in out.stdout
  assert "steps/s" in out.stderr and "ETA" in out.stderr
  assert (workdir / "learning_curve.png").stat().st_size > 1000
  frame = results.load(str(workdir))
  assert list(frame["step"]) == [10, 20]
  final = results.load(str(workdir), split="final")
  assert {"test_bits_per_char", "ngram_test_bits_per_char"} <= set(final.columns)


def test_default_config_goes_on_the_command_line_unless_one_is_given():
  # The flag has no default, so cli.run checks --config.* overrides (a misspelt key is one
  # line); ml_collections applied them to a default config at import, as a traceback.
  from rnnlab import demo  # pylint: disable=import-outside-toplevel
  assert demo.with_default_config(["demo", "--config.model.cell=gru"]) == [
      "demo", f"--config={demo.DEFAULT_CONFIG}", "--config.model.cell=gru"]
  given = ["demo", "--config=configs/lm/char_default.py:debug"]
  assert demo.with_default_config(given) == given
