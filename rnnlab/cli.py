"""The one place that turns anticipated errors into a one-line exit, for every rnnlab CLI.

    cli.run(main, program="rnnlab.main", config_flag="config")

replaces ``absl.app.run(main)``. Bad input never ends in a traceback: a misspelt
``--config.<key>`` override (named with its section and the nearest allowed keys), a config
file that does not exist or a variant it does not have, an unknown flag, a usage error
(missing arguments: one line, not the whole usage text), and every
``ValueError`` (bad config, refused run directory, unprepared dataset, bad CLI input),
``FloatingPointError`` (a diverged run) or ``DiskFullError`` that ``main`` raises, and a
Ctrl-C outside the training loop (which saves a checkpoint and stops by itself), end as one
line ``<program>: <message>`` on stderr and exit status 1. Through the Python API the same
errors stay exceptions with the same text. ``--verbosity=1`` also logs the traceback and the
libraries' INFO lines (hidden by default, see ``training.log_filters``).
"""
import os
import re
import sys
from typing import Callable, NoReturn, Sequence

from absl import app
from absl import flags
from absl import logging
from ml_collections.config_flags import config_flags as config_flags_impl

from rnnlab import config_validation
from rnnlab.training import log_filters
from rnnlab.training import run_directory

EXIT_STATUS = 1  # what sys.exit(message) gives; rnnlab.sweep counts a trial failed on != 0
EXPECTED_ERRORS = (ValueError, FloatingPointError, run_directory.DiskFullError)


def one_line(text: str) -> str:
  """The message's lines joined with single spaces (a message may hold a command on its own
  line, e.g. the ``tfds build`` one)."""
  return " ".join(line.strip() for line in str(text).splitlines() if line.strip())


def fail(program: str, message: str) -> NoReturn:
  """Exits with ``<program>: <message>`` as one line on stderr."""
  sys.stdout.flush()
  sys.exit(f"{program}: {one_line(message)}")


def run(main: Callable[[Sequence[str]], None], *, program: str,
        config_flag: str | None = None) -> None:
  """``app.run(main)`` with one-line errors (see the module docstring).

  Args:
    main: the CLI's ``main(argv)``.
    program: the name printed before each error (``rnnlab.sample``).
    config_flag: the name of the CLI's ``config_flags.DEFINE_config_file`` flag, if any:
      its file and overrides are checked right after the flags are parsed.
  """
  def parse(argv: list[str]) -> list[str]:
    return _parse_flags(argv, program, config_flag)

  def guarded(argv: Sequence[str]) -> None:
    log_filters.quiet_library_info_logs()
    try:
      main(argv)
    except EXPECTED_ERRORS as error:
      if logging.get_verbosity() >= 1:
        logging.exception("%s failed", program)
      fail(program, str(error))
    except app.UsageError as error:  # absl would print the whole usage text before it
      fail(program, f"{error} (see --help)")
    except KeyboardInterrupt:  # Ctrl-C outside the training loop (which stops cleanly itself)
      if logging.get_verbosity() >= 1:
        logging.exception("%s interrupted", program)
      fail(program, "interrupted (Ctrl-C)")

  app.run(guarded, flags_parser=parse)


def _parse_flags(argv: list[str], program: str, config_flag: str | None) -> list[str]:
  try:
    rest = flags.FLAGS(argv)
  except flags.Error as error:
    fail(program, _flag_error_message(str(error), argv, config_flag))
  except (AttributeError, KeyError) as error:  # ml_collections: an override of no key
    if config_flag is None:
      raise
    fail(program, _override_error_message(argv, config_flag) or f"bad --{config_flag} "
         f"override: {error}")
  if config_flag is not None:
    try:
      getattr(flags.FLAGS, config_flag).keys()  # a file that failed to load raises here
    except (OSError, AttributeError) as error:
      fail(program, _config_file_error_message(argv, config_flag, error))
  return rest


def _config_argument(argv: Sequence[str], config_flag: str) -> str:
  """The ``--config`` value on the command line (or the flag's default)."""
  value = None
  for i, arg in enumerate(argv):
    match = re.match(rf"^-{{1,2}}{re.escape(config_flag)}(=(.*))?$", arg)
    if match:
      value = match.group(2) if match.group(1) else (argv[i + 1] if i + 1 < len(argv) else "")
  if value is None:
    value = str(flags.FLAGS[config_flag].default_as_str or "").strip("'")
  return value


def _flag_error_message(message: str, argv: Sequence[str], config_flag: str | None) -> str:
  if config_flag is not None and "Error whilst parsing config file" in message:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    last = re.sub(r"^[\w.]+(Error|Exception): ", "", lines[-1])
    return f"--{config_flag}={_config_argument(argv, config_flag)}: {last}"
  return f"{one_line(message)} (see --helpfull)"


def _config_file_error_message(argv: Sequence[str], config_flag: str, error: Exception) -> str:
  value = _config_argument(argv, config_flag)
  path = value.split(":", 1)[0]
  if not os.path.isfile(path):
    return (f"config file {path!r} not found (--{config_flag}={value}; a relative path is "
            f"read from the current directory {os.getcwd()!r})")
  return f"--{config_flag}={value} could not be loaded: {one_line(str(error))}"


def _override_error_message(argv: Sequence[str], config_flag: str) -> str | None:
  """Names the first ``--config.a.b=`` override whose key the config file does not have."""
  try:
    config = config_flags_impl.ConfigFileFlagParser(name=config_flag).parse(
        _config_argument(argv, config_flag))
  except Exception:  # pylint: disable=broad-except
    return None
  for arg in argv:
    match = re.match(rf"^-{{1,2}}(?:no)?{re.escape(config_flag)}\.([^=]+)", arg)
    if not match:
      continue
    node, section = config, ""
    for key in match.group(1).split("."):
      keys = list(node.keys()) if hasattr(node, "keys") else []
      if key not in keys:
        return (f"--{config_flag}.{match.group(1)}: "
                f"{config_validation.unknown_key_message(section, key, keys)}")
      node, section = node[key], f"{section}.{key}" if section else key
  return None
