"""rnnlab.cli: anticipated errors end as one line on stderr with exit status 1 on every CLI.

Subprocess tests (the CLI behaviour itself); the same errors through the Python API are
tested where they arise (tests/training/test_run_directory.py, tests/test_sample.py).
"""
import json
import os
import subprocess
import sys

import pytest

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(module, *args, cwd=_REPO):
  return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True,
                        text=True, timeout=600)


def _one_line_error(result, program):
  assert result.returncode == 1, result.stderr[-3000:]
  assert "Traceback" not in result.stderr, result.stderr[-3000:]
  last = result.stderr.strip().splitlines()[-1]
  assert last.startswith(f"{program}: ")
  return last


@pytest.mark.parametrize("override, expected", [
    ("--config.data.eval_siz=3",
     "rnnlab.main: --config.data.eval_siz: unknown config key 'data.eval_siz'; allowed keys "
     "in 'data': ['eval_seed', 'max_eval_examples', 'seq_len']; nearest: 'eval_seed'"),
    # A renamed key names its new name (config_validation.RENAMED_KEYS).
    ("--config.data.seq_length=20",
     "rnnlab.main: --config.data.seq_length: config key 'data.seq_length' was renamed to "
     "'data.seq_len'; use 'data.seq_len'"),
])
def test_misspelt_override_names_the_key_section_and_nearest_keys(tmp_path, override, expected):
  result = _run("rnnlab.main", "--config=configs/adding.py:debug", f"--workdir={tmp_path}/w",
                override)
  assert _one_line_error(result, "rnnlab.main") == expected
  assert not os.path.exists(tmp_path / "w")


@pytest.mark.slow
@pytest.mark.parametrize("args, expected", [
    (["--config=configs/nope.py"], "rnnlab.main: config file 'configs/nope.py' not found"),
    (["--config=configs/adding.py:dbug"], "rnnlab.main: --config=configs/adding.py:dbug: "
     "unknown variant 'dbug' of configs/adding.py; allowed: 'debug'"),
    (["--config=configs/adding.py:debug", "--config.train.best_metric=los"],
     "rnnlab.main: invalid config: invalid value 'los' for config.train.best_metric"),
])
def test_config_file_and_value_errors(tmp_path, args, expected):
  result = _run("rnnlab.main", *args, f"--workdir={tmp_path}/w")
  assert _one_line_error(result, "rnnlab.main").startswith(expected)
  assert not os.path.exists(tmp_path / "w")


@pytest.mark.slow
def test_workdir_that_is_a_file_and_inference_clis_on_a_non_run(tmp_path):
  path = tmp_path / "file"
  path.write_text("x")
  result = _run("rnnlab.main", "--config=configs/adding.py:debug", f"--workdir={path}")
  assert "is an existing file, not a directory" in _one_line_error(result, "rnnlab.main")
  for module, extra in (("rnnlab.sample", []), ("rnnlab.translate", ["a sentence"]),
                        ("rnnlab.transcribe", ["x.wav"])):
    result = _run(module, f"--workdir={tmp_path}", *extra)
    assert "has no config.json: not an rnnlab run directory" in _one_line_error(result, module)


@pytest.mark.slow
def test_output_directories_that_are_files_are_one_line(tmp_path):
  # Issue 18 item 8, the kind of `--workdir` that is a file: every CLI's output directory.
  path = tmp_path / "file"
  path.write_text("x")
  commands = [
      ("rnnlab.sweep", ["--sweep=experiments/sweeps/adding_cells.py", f"--workdir={path}"],
       f"--workdir '{path}' is an existing file"),
      ("rnnlab.analysis.attention_plots", [f"--workdirs={tmp_path}", f"--out={path}"],
       f"--out '{path}' is an existing file"),
      ("rnnlab.caption", [f"--workdir={tmp_path}", f"--attention_maps={path}/maps", "x.png"],
       f"--attention_maps '{path}/maps' cannot be created: '{path}' is a file"),
  ]
  spec, out = tmp_path / "commands.json", tmp_path / "results.json"
  spec.write_text(json.dumps([{"argv": [module, *args]} for module, args, _ in commands]))
  subprocess.run([sys.executable, os.path.join(_REPO, "tests", "cli_runner.py"), str(spec),
                  str(out)], cwd=_REPO, check=True, capture_output=True, timeout=600)
  for (module, _, expected), result in zip(commands, json.loads(out.read_text())):
    assert result["returncode"] == 1 and "Traceback" not in result["stderr"], result["stderr"]
    assert result["stderr"].strip().splitlines()[-1].startswith(f"{module}: {expected}"), (
        result["stderr"])
  assert path.read_text() == "x" and not (tmp_path / "model.cell=lstm").exists()


def test_ctrl_c_outside_training_is_one_line(monkeypatch):
  # Issue 18 (new-user pass): a Ctrl-C while a CLI loaded data or decoded was a traceback.
  from rnnlab import cli  # pylint: disable=import-outside-toplevel

  def interrupted(argv):
    del argv
    raise KeyboardInterrupt

  # absl's flag parsing is left out (the flags of other tests' modules may be required).
  monkeypatch.setattr(cli.app, "run", lambda main, flags_parser: main(["rnnlab.x"]))
  with pytest.raises(SystemExit) as exit_:
    cli.run(interrupted, program="rnnlab.x")
  assert exit_.value.code == "rnnlab.x: interrupted (Ctrl-C)"


def test_usage_error_is_one_line_not_the_usage_text(monkeypatch):
  # Issue 18 (new-user pass): `rnnlab.translate --workdir=DIR` without sentences printed the
  # module's whole docstring and flag list before the one useful line.
  from absl import app  # pylint: disable=import-outside-toplevel
  from rnnlab import cli  # pylint: disable=import-outside-toplevel

  def needs_arguments(argv):
    del argv
    raise app.UsageError("give one or more sentences")

  monkeypatch.setattr(cli.app, "run", lambda main, flags_parser: main(["rnnlab.x"]))
  with pytest.raises(SystemExit) as exit_:
    cli.run(needs_arguments, program="rnnlab.x")
  assert exit_.value.code == "rnnlab.x: give one or more sentences (see --help)"
