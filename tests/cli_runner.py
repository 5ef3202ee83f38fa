"""Runs several ``python -m <module> ...`` commands from one process, each in a forked child.

    python tests/cli_runner.py commands.json results.json

``commands.json`` is a list of ``{"argv": ["rnnlab.main", "--config=..."]}`` (``argv[0]`` is
the module). Environment variables are the runner's own (libraries such as TFDS read theirs at
import, in the parent). The parent imports the libraries the CLIs share (JAX, Flax,
orbax, TFDS, rnnlab's packages: ~10 s of a CLI's start-up) once, without starting a JAX
backend, then forks one child per command; the child runs the module as ``python -m`` does
(``runpy.run_module(..., run_name="__main__", alter_sys=True)``, so each CLI defines its own
flags in a fresh copy of the process) and exits with the status ``python -m`` would give
(``sys.exit(message)``: the message on stderr and status 1; an uncaught exception: its
traceback and status 1). ``results.json`` gets ``{"returncode", "stdout", "stderr"}`` per
command. Used by tests/test_readme_commands.py to keep the fast README checks fast.
"""
import json
import os
import runpy
import sys
import tempfile
import traceback

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0] = _REPO  # as ``python -m`` run from the repository root (this checkout's rnnlab)


def _preload() -> None:
  import jax  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
  import flax.linen  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
  import orbax.checkpoint  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
  import tensorflow_datasets  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
  import rnnlab.training  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
  import rnnlab.tasks  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
  import rnnlab.cli  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel


def _child(argv: list[str], stdout: int, stderr: int) -> None:
  os.chdir(_REPO)
  os.dup2(stdout, 1)
  os.dup2(stderr, 2)
  code = 0
  try:
    sys.argv = ["python -m " + argv[0], *argv[1:]]
    runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
  except SystemExit as exit_:
    if isinstance(exit_.code, str):
      print(exit_.code, file=sys.stderr)
      code = 1
    else:
      code = exit_.code or 0
  except BaseException:  # pylint: disable=broad-except
    traceback.print_exc()
    code = 1
  sys.stdout.flush()
  sys.stderr.flush()
  os._exit(code)  # pylint: disable=protected-access


def run_all(commands: list[dict]) -> list[dict]:
  _preload()
  results = []
  for command in commands:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
      sys.stdout.flush()
      sys.stderr.flush()
      pid = os.fork()
      if pid == 0:
        _child(command["argv"], out.fileno(), err.fileno())
      _, status = os.waitpid(pid, 0)
      out.seek(0)
      err.seek(0)
      results.append({"returncode": os.waitstatus_to_exitcode(status),
                      "stdout": out.read().decode(errors="replace"),
                      "stderr": err.read().decode(errors="replace")})
  return results


if __name__ == "__main__":
  with open(sys.argv[1]) as f:
    commands_ = json.load(f)
  results_ = run_all(commands_)
  with open(sys.argv[2], "w") as f:
    json.dump(results_, f)
