"""The README's shell commands, and its "what every CLI answers" table, checked against the CLIs.

Every command line of the README's shell blocks (```` ``` ```` / ```` ```bash ````) has a plan
below (``_PLANS``, first match wins), so a new or changed README command fails here until it is
given one:

* ``flags`` (fast, every ``python -m`` command, skipped or not): its module answers
  ``--helpfull`` without a traceback and defines every ``--flag`` the command uses.
* ``fast``: run as written, with the run directory in a temporary folder (the sweeps, with
  ``--dry_run`` added: they print their trials' commands and train nothing).
* ``slow``: run at a tiny size in ``test_readme_commands_at_tiny_size``: the config's
  ``:debug`` variant with the command's own overrides, workdirs in a temporary folder, fresh
  data built on the machine (``TFDS_DATA_DIR`` in the temporary folder); a ``sample``,
  ``translate``, ``transcribe``, ``caption`` or ``attention_plots`` command runs on the tiny
  run of the config that trained its ``--workdir``, on inputs made by the test (a WAV, a PNG).
  One command per config (and per speech ``model.architecture``) is trained; the others of the
  same config differ only in overrides the task's own tests cover.
* ``skip``, with the reason: ``make test`` (this suite), ``make demo`` / ``rnnlab.demo`` (an
  1800-step training; tests/test_demo.py runs it at the :debug size), ``tfds build`` (needs the
  internet), the benchmarks (tests/experiments/test_benchmarks.py runs them at a tiny size;
  ``gpu.py`` needs a GPU), data a user brings (``data.path=DIR``, ``/data/ptb``,
  ``/data/LibriSpeech``, ``my_tsv_folder``; their layouts are tested with generated folders in
  tests/data/), the ``rnnlab_prose_speech`` set (about 10 minutes to generate; its
  ``--split=test_flite`` exists only there), the ``--import``
  command (tests/test_user_imports.py runs exactly it), the experiment scripts that train a grid
  (``experiments/translation``, ``experiments/speech``: tests/experiments/ checks them) or read
  a finished sweep's runs (``experiments/captioning``), and further trainings of a config
  already trained here.

The table under "What every CLI answers" is checked row by row (``_TABLE_ROWS``): the row's
input is given to the CLI and the backticked answer (``...`` and ``<...>`` stand for any text)
must be in the one line it prints on stderr, with exit status 1 and no traceback. Rows that
need a trained run are checked in the slow test; the rows checked elsewhere say where.

The fast part runs every command in one process (``tests/cli_runner.py``: the libraries are
imported once and each command runs in a forked child as ``python -m`` would run it).
"""
import dataclasses
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import wave

import numpy as np
import pytest

_REPO = pathlib.Path(__file__).resolve().parents[1]
README = _REPO / "README.md"
_RUNNER = _REPO / "tests" / "cli_runner.py"


@dataclasses.dataclass(frozen=True)
class Command:
  heading: str
  text: str  # one command line, continuation lines joined, trailing comment removed

  @property
  def module(self) -> str | None:
    match = re.search(r"\bpython -m ([\w.]+)", self.text)
    return match.group(1) if match else None

  def flag_names(self) -> list[str]:
    """The ``--flag`` names the command passes to its module (not ``--config.*`` overrides)."""
    after = self.text.split(f"-m {self.module}", 1)[1] if self.module else ""
    return sorted({name for name in re.findall(r"(?<![\w-])--([a-z_]+)(?=[=\s\]]|$)", after)})


def readme_commands(text: str | None = None) -> list[Command]:
  """Every command line of the README's shell blocks (lines a user would type)."""
  lines = (README.read_text() if text is None else text).splitlines()
  commands = []
  # Blocks are read with an explicit fence state (an opening fence may have a language).
  block_lines, block, heading = [], None, "top"
  for line in lines:
    if line.startswith("```"):
      if block is None:
        block, block_lines = line[3:].strip(), []
      else:
        if block in ("", "bash"):
          variables = {}  # NAME="..." lines of the block, expanded in its later commands
          for joined in "\n".join(block_lines).replace("\\\n", " ").splitlines():
            joined = re.sub(r"\s+", " ", joined.split(" # ", 1)[0]).strip()
            assignment = re.match(r"^([A-Z_]+)=(\S.*)$", joined)
            if assignment and " python " not in f" {assignment.group(2)} ":
              variables[assignment.group(1)] = " ".join(shlex.split(assignment.group(2)))
              continue
            joined = re.sub(r"\$\{?([A-Z_]+)\}?", lambda m: variables.get(m.group(1), m.group(0)),
                            joined)
            if re.match(r"^(python|make|tfds|[A-Z_]+=\S+ python) ", joined):
              commands.append(Command(heading, joined))
        block = None
      continue
    if block is None:
      if re.match(r"^#+ ", line):
        heading = line.lstrip("#").strip()
    else:
      block_lines.append(line)
  return commands


# (pattern searched in the command, plan, reason); first match wins.
_PLANS = [
    (r"^make test", "skip", "runs the test suite (this file included)"),
    (r"^make demo|-m rnnlab\.demo", "skip",
     "an 1800-step training; tests/test_demo.py runs rnnlab.demo at the :debug size"),
    (r"^tfds build", "skip", "prepares a public set: needs the internet"),
    (r"experiments/benchmarks/gpu\.py", "skip", "needs a GPU (make bench-gpu)"),
    (r"experiments/benchmarks/", "skip",
     "a benchmark, never a timed test; tests/experiments/test_benchmarks.py runs it tiny"),
    (r"^PYTHONPATH=.* --import=", "skip", "tests/test_user_imports.py runs exactly this command"),
    (r"data\.path=(DIR|/data/|my_tsv_folder)|zaremba_", "skip",
     "needs a user's own data (PTB, LibriSpeech, TSV or parallel files); the layouts are "
     "tested with generated folders in tests/data/ and tests/tasks/"),
    (r"rnnlab_prose_speech|runs/speech_prose|runs/speech_libri", "skip",
     "rnnlab_prose_speech takes ~10 min to generate (and speech_libri needs LibriSpeech)"),
    (r"experiments/translation/attention_cells\.py", "skip",
     "trains the attention x cell grid on the real corpus (~10 min a trial); "
     "tests/experiments/test_translation_attention.py checks its grid, budget and table"),
    (r"python experiments/speech/architectures\.py", "skip",
     "trains six recognisers; tests/experiments/test_speech_architectures.py runs the command "
     "on the tiny template set"),
    (r"python experiments/captioning/(table|attention_figure)\.py", "skip",
     "reads the finished runs of the captioning variants sweep (hours of training)"),
    (r"--split=test_flite", "skip",
     "test_flite is a split of rnnlab_prose_speech only (read by CMU Flite); the :debug variant "
     "trains on the template set, whose --split=test command runs here"),
    (r"-m rnnlab\.sweep ", "fast", "run with --dry_run: prints the trials' commands"),
    (r"-m rnnlab\.baselines\.ngram_report", "slow", "orders 1,2 on the embedded corpus"),
    (r"-m rnnlab\.(sample|translate|transcribe|caption|analysis\.attention_plots) ", "slow",
     "on the tiny run of the config that trained its --workdir"),
    (r"-m rnnlab\.main ", "slow", "the config's :debug variant, first command per config"),
]


def plan_of(command: Command) -> tuple[str, str]:
  for pattern, plan, reason in _PLANS:
    if re.search(pattern, command.text):
      return plan, reason
  raise AssertionError(f"README command without a plan in {__file__}: {command.text!r}")


COMMANDS = readme_commands()


def _run_all(commands: list[dict], tmp_path: pathlib.Path, timeout: int = 900) -> list[dict]:
  """Runs ``commands`` (``{"argv": [module, ...]}``) with tests/cli_runner.py, with the data
  of embedded sets built in ``tmp_path/tfds`` (a fresh machine's)."""
  spec, out = tmp_path / "commands.json", tmp_path / "results.json"
  spec.write_text(json.dumps(commands))
  env = dict(os.environ, TFDS_DATA_DIR=str(tmp_path / "tfds"))
  result = subprocess.run([sys.executable, str(_RUNNER), str(spec), str(out)], cwd=_REPO,
                          capture_output=True, text=True, timeout=timeout, env=env)
  assert result.returncode == 0, result.stderr[-3000:]
  return json.loads(out.read_text())


def _argv(command_text: str) -> list[str]:
  """``python -m module args`` -> ``[module, args...]`` (shell quoting as bash reads it)."""
  words = shlex.split(command_text)
  return words[words.index("-m") + 1:]


def _answer_pattern(answer_cell: str) -> list[re.Pattern]:
  """The backticked answers of a table cell as regexes (``...``, ``<x>`` = any text)."""
  patterns = []
  for text in re.findall(r"`([^`]+)`", answer_cell):
    parts = re.split(r"(\.\.\.|<[^>]+>)", text)
    patterns.append(re.compile("".join(".*" if p == "..." or p.startswith("<") else re.escape(p)
                                       for p in parts)))
  return patterns


def table_rows(text: str | None = None) -> dict[str, str]:
  """``{input cell: answer cell}`` of the table under "What every CLI answers"."""
  text = README.read_text() if text is None else text
  section = text.split("**What every CLI answers.**", 1)[1].split("\n\n", 2)[1]
  rows = {}
  for line in section.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 2 and cells[0] not in ("input", "---"):
      rows[cells[0]] = cells[1]
  return rows


def _one_line_answer(result: dict, program: str) -> str:
  assert result["returncode"] == 1, (program, result["stderr"][-3000:])
  assert "Traceback" not in result["stderr"], result["stderr"][-3000:]
  last = result["stderr"].strip().splitlines()[-1]
  assert last.startswith(f"{program}: "), last
  return last[len(program) + 2:]


def _assert_answer(result: dict, program: str, answer_cell: str) -> None:
  message = _one_line_answer(result, program)
  patterns = _answer_pattern(answer_cell)
  assert patterns, answer_cell
  assert any(p.search(message) for p in patterns), (message, answer_cell)


# How each table row is given to its CLI: (program, argv after the module, where the row is
# checked). "fast": test_table_answers_are_what_the_clis_print; "slow": the slow test (it
# needs a trained run); otherwise the test file that checks it.
_ADDING = ["--config=configs/adding.py:debug"]
_TABLE_ROWS = {
    "`--config.data.eval_siz=3`": ("rnnlab.main", _ADDING + ["--config.data.eval_siz=3"], "fast"),
    "`--config=configs/nope.py`": ("rnnlab.main", ["--config=configs/nope.py"], "fast"),
    "`--config=configs/adding.py:dbug`": ("rnnlab.main", ["--config=configs/adding.py:dbug"],
                                          "fast"),
    "`--config.train.best_metric=los`": ("rnnlab.main",
                                         _ADDING + ["--config.train.best_metric=los"], "fast"),
    "unprepared public TFDS set (`--config.data.dataset=tiny_shakespeare`)": (
        "rnnlab.main", ["--config=configs/lm/char_default.py:debug",
                        "--config.data.dataset=tiny_shakespeare"], "fast"),
    "`--workdir` that is a file, or on a read-only directory": ("rnnlab.main", _ADDING, "fast"),
    "any other output directory that is a file or read-only: `sweep`/`sweep_ray --workdir`, "
    "`attention_plots --out`, `caption --attention_maps`": (
        "rnnlab.sweep", [], "tests/test_cli.py, tests/test_sweep.py, tests/test_sweep_ray.py"),
    "a corpus file (`data.path`: text, TSV, bracketed trees) that is missing, a directory, "
    "empty, Latin-1 or binary": (
        "rnnlab.main", [], "tests/data/test_text_files.py, tests/data/classification/"
        "test_tsv_files.py, tests/data/test_bracketed_trees.py"),
    "changed model, other task, directory in use": (
        "rnnlab.main", [], "tests/training/test_run_directory.py, test_run_lock.py"),
    "a full disk": ("rnnlab.main", [], "tests/training/test_run_directory.py (a small tmpfs)"),
    "`sample`/`translate`/`transcribe` on a damaged checkpoint": ("rnnlab.sample", [], "slow"),
    "`sample`/`translate`/`transcribe`/`caption` on a directory that is not a run, or of another "
    "task": ("rnnlab.sample", [], "fast"),
    "`rnnlab.translate --workdir=runs/x` (no sentence; the same for `caption` without images, "
    "`transcribe` without files or `--split`)": ("rnnlab.translate", ["--workdir={tmp}/x"], "fast"),
    "`rnnlab.transcribe --lm_weight=nan` (any NaN or infinite decoding number, whatever the "
    "decoder)": ("rnnlab.transcribe", [], "tests/test_transcribe.py"),
    "`rnnlab.demo --config.model.cel=gru`": ("rnnlab.demo", ["--config.model.cel=gru"], "fast"),
    "`rnnlab.sweep --sweep=experiments/sweeps/nope.py --workdir=runs/x`": (
        "rnnlab.sweep", ["--sweep=experiments/sweeps/nope.py", "--workdir={tmp}/sw"], "fast"),
    "`rnnlab.baselines.ngram_report --orders=two`": (
        "rnnlab.baselines.ngram_report", ["--orders=two"], "fast"),
    "`rnnlab.analysis.attention_plots` on a run without a final report": (
        "rnnlab.analysis.attention_plots", ["--workdirs={tmp}/w", "--out={tmp}/plots"], "fast"),
}


def test_every_readme_command_has_a_plan_and_every_cli_is_run():
  plans = {c.text: plan_of(c)[0] for c in COMMANDS}
  assert len(COMMANDS) > 40, len(COMMANDS)
  run_modules = {c.module for c in COMMANDS if plans[c.text] in ("fast", "slow")}
  assert {"rnnlab.main", "rnnlab.sample", "rnnlab.translate", "rnnlab.transcribe",
          "rnnlab.caption", "rnnlab.sweep", "rnnlab.baselines.ngram_report",
          "rnnlab.analysis.attention_plots"} <= run_modules, run_modules
  trained = {_tiny_config(c.text) for c in COMMANDS if plans[c.text] == "slow"
             and c.module == "rnnlab.main"}
  for config in ("configs/adding.py", "configs/lm/char_default.py",
                 "configs/translation/default.py", "configs/speech/default.py",
                 "configs/captioning/default.py", "configs/classification/default.py",
                 "configs/listops.py"):
    assert any(t and t[0] == config for t in trained), (config, trained)


def test_command_parsing_joins_lines_and_drops_comments():
  text = ("# Title\n\n```bash\npython -m rnnlab.main --config=a.py \\\n    --workdir=w  # c\n"
          "# only a comment\n```\n\n```python\nprint('x')\n```\n")
  assert readme_commands(text) == [Command("Title", "python -m rnnlab.main --config=a.py "
                                                    "--workdir=w")]
  text = ("# T\n\n```bash\nCOMMON=\"--config.a=1 --config.b=2\"\n"
          "python -m rnnlab.main --workdir=w $COMMON --config.c=3\n```\n")
  assert readme_commands(text) == [Command("T", "python -m rnnlab.main --workdir=w "
                                                "--config.a=1 --config.b=2 --config.c=3")]
  assert Command("t", "python -m rnnlab.sample --workdir=w --prompt=\"The \" "
                      "[--checkpoint=best]").flag_names() == ["checkpoint", "prompt", "workdir"]
  assert [p.pattern for p in _answer_pattern("`a <b> c...` / `d`")] == ["a\\ .*\\ c.*", "d"]


def test_table_rows_all_have_a_check():
  assert set(table_rows()) == set(_TABLE_ROWS), set(table_rows()) ^ set(_TABLE_ROWS)


def test_flags_and_table_answers_are_what_the_clis_print(tmp_path):
  """Fast: every README module's --helpfull, the sweeps' dry runs, the fast table rows."""
  modules = sorted({c.module for c in COMMANDS if c.module} | {"rnnlab.sweep_ray"})
  commands = [{"argv": [m, "--helpfull"]} for m in modules]
  sweeps = [c for c in COMMANDS if plan_of(c)[0] == "fast"]
  for i, command in enumerate(sweeps):
    argv = [re.sub(r"^--workdir=.*", f"--workdir={tmp_path}/sweep{i}", a)
            for a in _argv(command.text)]
    commands.append({"argv": argv + ["--dry_run"]})
  fast_rows = [(k, v) for k, v in _TABLE_ROWS.items() if v[2] == "fast"]
  (tmp_path / "file").write_text("x")
  (tmp_path / "adding_run").mkdir()
  (tmp_path / "adding_run" / "config.json").write_text(json.dumps({"task": "adding"}))
  for key, (program, args, _) in fast_rows:
    args = [a.format(tmp=tmp_path) for a in args]
    if program in ("rnnlab.main", "rnnlab.demo") and "a file" not in key:
      args = args + [f"--workdir={tmp_path}/w"]
    if "a file" in key:
      args = args + [f"--workdir={tmp_path}/file"]
    if "not a run" in key:
      for cli, extra in (("rnnlab.sample", []), ("rnnlab.translate", ["a sentence"]),
                         ("rnnlab.transcribe", ["x.wav"]), ("rnnlab.caption", ["x.png"])):
        commands.append({"argv": [cli, f"--workdir={tmp_path}", *extra], "row": key})
        commands.append({"argv": [cli, f"--workdir={tmp_path}/adding_run", *extra], "row": key})
      continue
    commands.append({"argv": [program, *args], "row": key})
  results = _run_all(commands, tmp_path)

  used = {}
  for command in COMMANDS:
    if command.module:
      used.setdefault(command.module, set()).update(command.flag_names())
  for module, result in zip(modules, results):
    assert "Traceback" not in result["stderr"], (module, result["stderr"][-3000:])
    for name in sorted(used.get(module, ())):
      assert re.search(rf"--(\[no\])?{name}:", result["stdout"]), (module, name)
  for command, result in zip(commands[len(modules):len(modules) + len(sweeps)],
                             results[len(modules):]):
    assert result["returncode"] == 0, (command, result["stderr"][-3000:])
    assert result["stdout"].count("-m rnnlab.main --config=") >= 2, result["stdout"]
  rows = table_rows()
  for command, result in zip(commands[len(modules) + len(sweeps):],
                             results[len(modules) + len(sweeps):]):
    _assert_answer(result, command["argv"][0], rows[command["row"]])
  assert not (tmp_path / "w").exists()  # no refused command created its workdir


# --- slow: the README's commands at a tiny size ---------------------------------------------


def _tiny_config(text: str) -> tuple[str, str] | None:
  """``(config file, speech architecture)`` that a training command trains, else None."""
  match = re.search(r"--config=([\w/]+\.py)", text)
  if not match or "-m rnnlab.main" not in text:
    return None
  arch = re.search(r"--config\.model\.architecture=(\w+)", text)
  return match.group(1), arch.group(1) if arch else ""


def _tiny_argv(command: Command, workdir: str) -> list[str]:
  argv = []
  for arg in _argv(command.text):
    match = re.match(r"--config=([\w/]+\.py)(:\w+)?$", arg)
    if match and "def get_config(variant" in (_REPO / match.group(1)).read_text():
      arg = f"--config={match.group(1)}:debug"
    elif arg.startswith("--workdir="):
      arg = f"--workdir={workdir}"
    elif re.match(r"--config\.train\.(num_steps|eval_every|checkpoint_every)=", arg):
      continue  # the debug variant's own (tiny) number of steps and its schedule
    argv.append(arg)
  return argv


def _slow_groups() -> dict[str, list[Command]]:
  """The first training command of each config (and speech architecture), with the README
  commands that use its --workdir."""
  groups, seen = {}, set()
  trained_by = {"runs/demo": ("configs/lm/char_default.py", "")}  # make demo trains it
  for command in COMMANDS:
    if plan_of(command)[0] != "slow" or command.module != "rnnlab.main":
      continue
    key = _tiny_config(command.text)
    workdir = re.search(r"--workdir=(\S+)", command.text).group(1)
    trained_by[workdir] = key
    if key not in seen:
      seen.add(key)
      groups[f"{key[0]}{':' + key[1] if key[1] else ''}"] = [command]
  for command in COMMANDS:
    if plan_of(command)[0] != "slow" or command.module == "rnnlab.main":
      continue
    workdirs = re.findall(r"--workdirs?=(\S+)", command.text)
    workdirs = workdirs[0].split(",") if workdirs else []
    keys = {trained_by.get(w) for w in workdirs}
    for name, group in groups.items():
      if _tiny_config(group[0].text) in keys:
        group.append(command)
        break
    else:
      if command.module == "rnnlab.baselines.ngram_report":
        groups.setdefault("ngram_report", []).append(command)
  return groups


_SLOW_GROUPS = _slow_groups()


# absl's log line: level, date, time, thread, file:line (only the file's base name is printed).
_LOG_LINE = re.compile(r"^([DIWEF])\d{4} [\d:.]+\s+\d+ ([\w.]+):\d+\] .*$", re.M)
_RNNLAB_FILES = {p.name for p in (_REPO / "rnnlab").rglob("*.py")} - {"__init__.py"}
_INFERENCE_CLIS = ("rnnlab.sample", "rnnlab.translate", "rnnlab.transcribe", "rnnlab.caption")


def library_info_lines(stderr: str) -> list[str]:
  """The INFO/DEBUG log lines on ``stderr`` that another library wrote (issue 18 item 7:
  orbax's ``checkpoint.py:459] Closing _NonBlockingMetadataStore(...)`` around a translation).
  rnnlab's own lines, and every library's warnings and errors, are not counted."""
  return [m.group(0) for m in _LOG_LINE.finditer(stderr)
          if m.group(1) in "DI" and m.group(2) not in _RNNLAB_FILES]


def test_library_info_lines_are_told_from_rnnlab_lines_and_warnings():
  stderr = ("I1130 17:00:10.123456 140234 checkpoint.py:459] Closing _NonBlockingMetadataStore()\n"
            "I1130 17:00:10.200000   9876 sample.py:134] runs/x, checkpoint step 4\n"
            "W1130 17:00:11.000000 140234 checkpoint_manager.py:1] a warning stays visible\n"
            "the translation\n")
  assert library_info_lines(stderr) == [
      "I1130 17:00:10.123456 140234 checkpoint.py:459] Closing _NonBlockingMetadataStore()"]


def _write_wav(path: pathlib.Path) -> None:
  rng = np.random.default_rng(0)
  samples = (rng.normal(size=8000) * 3000).astype(np.int16)
  with wave.open(str(path), "wb") as f:
    f.setnchannels(1)
    f.setsampwidth(2)
    f.setframerate(16000)
    f.writeframes(samples.tobytes())


def _inference_argv(command: Command, run: str, tmp_path: pathlib.Path) -> list[str]:
  argv = []
  for arg in _argv(command.text):
    if arg.startswith("--workdir="):
      arg = f"--workdir={run}"
    elif arg.startswith("--workdirs="):
      arg = f"--workdirs={run}"
    elif arg.startswith("--out=") or arg.startswith("--attention_maps="):
      arg = f"{arg.split('=')[0]}={tmp_path / 'out'}"
    elif arg.startswith("[--"):
      arg = arg.strip("[]")
    elif arg.startswith("[") or arg == "more.png]":
      continue
    elif re.match(r"^\w+\.wav$", arg):
      _write_wav(tmp_path / arg)
      arg = str(tmp_path / arg)
    elif re.match(r"^\w+\.png$", arg):
      from PIL import Image  # pylint: disable=import-outside-toplevel
      Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 40, 3)).astype(np.uint8)
                      ).save(tmp_path / arg)
      arg = str(tmp_path / arg)
    elif argv and argv[0] == "rnnlab.translate" and not arg.startswith("--"):
      arg = "{source_words}"  # words of the tiny run's vocabulary (the README's are the full one's)
    elif argv and argv[0] == "rnnlab.baselines.ngram_report" and arg.startswith("--orders="):
      arg = "--orders=1,2"
    argv.append(arg)
  return argv


@pytest.mark.slow
@pytest.mark.parametrize("group", sorted(_SLOW_GROUPS))
def test_readme_commands_at_tiny_size(group, tmp_path):
  commands = _SLOW_GROUPS[group]
  run = str(tmp_path / "run")
  specs = []
  for command in commands:
    if command.module == "rnnlab.main":
      specs.append({"argv": _tiny_argv(command, run)})
    else:
      specs.append({"argv": _inference_argv(command, run, tmp_path)})
  damaged = group == "configs/lm/char_default.py"
  if damaged:  # the table row: sample on a damaged checkpoint names it and the kept steps
    specs.append({"argv": ["rnnlab.sample", f"--workdir={tmp_path / 'damaged'}"],
                  "before": "damage"})
  results = []
  for spec in specs:  # one runner per command: the damage happens between two of them
    if spec.get("before") == "damage":
      shutil.copytree(run, tmp_path / "damaged")
      latest = max(int(s) for s in os.listdir(tmp_path / "damaged" / "checkpoints"))
      (tmp_path / "damaged" / "checkpoints" / str(latest) / "state" / "_METADATA").unlink()
    if any("{source_words}" in a for a in spec["argv"]):
      with open(os.path.join(run, "source_tokenizer.json")) as f:
        # whole words: pieces that start a word ("\u2581" marks the word boundary)
        words = [w[1:] for w in json.load(f)["pieces"]
                 if w.startswith("\u2581") and w[1:].isalpha()][:6]
      spec["argv"] = [a.replace("{source_words}", " ".join(words)) for a in spec["argv"]]
    results.extend(_run_all([spec], tmp_path))
  for spec, result in zip(specs, results):
    if spec.get("before") == "damage":
      _assert_answer(result, "rnnlab.sample", table_rows()[
          "`sample`/`translate`/`transcribe` on a damaged checkpoint"])
      continue
    assert result["returncode"] == 0, (spec["argv"], result["stderr"][-3000:])
    assert "Traceback" not in result["stderr"], result["stderr"][-3000:]
    if spec["argv"][0] == "rnnlab.main":  # embedded sets are generated here: nothing downloads
      assert "Downloading" not in result["stdout"] + result["stderr"], result["stderr"][-3000:]
    if spec["argv"][0] in _INFERENCE_CLIS:  # the answer on stdout, no library chatter on stderr
      assert result["stdout"].strip(), (spec["argv"], result["stderr"][-3000:])
      assert not library_info_lines(result["stderr"]), (spec["argv"], result["stderr"][-3000:])
  if commands[0].module == "rnnlab.main":
    with open(os.path.join(run, "final_metrics.json")) as f:
      final_metrics = json.load(f)
    assert final_metrics["status"] == "completed"
    if group == "configs/lm/char_default.py":  # the README: LM figures sit under "final"
      assert {"valid_perplexity", "test_perplexity", "vocab_size"} <= set(final_metrics["final"])
