"""``--import=MODULE``: a researcher's own modules, imported before the config is built.

A cell (``rnnlab.cells.register_cell``) or task (``rnnlab.tasks.register_task``) defined
in the researcher's own module registers when that module is imported. ``rnnlab.main`` and
``rnnlab.sweep`` take ``--import=my_package.my_cells`` (repeatable) and import the modules
*before* absl parses the flags, because ``--config=...`` loads the config file (and applies
``--config.*`` overrides) during flag parsing: a cell registered by ``my_package.my_cells``
then has its ``model.<cell>`` section when ``--config.model.<cell>.<key>=...`` is applied.

    python -m rnnlab.main --import=my_cells --config=configs/adding.py --workdir=runs/mgu \\
        --config.model.cell=mgu --config.model.mgu.<hyperparameter>=...

The module must be importable (on ``sys.path``: installed, or its folder on
``PYTHONPATH``; the current directory is on the path for ``python -m``).
"""
import importlib
import re
from typing import Sequence

from absl import flags

FLAG = "import"
_FLAG_RE = re.compile(r"^--?" + FLAG + r"(=(?P<value>.*))?$")


def define_flag(flag_values: flags.FlagValues = flags.FLAGS) -> None:
  """Defines the repeatable ``--import`` flag (so absl accepts it and lists it in --help)."""
  flags.DEFINE_multi_string(
      FLAG, [], "Module to import before the config is built (repeatable): registers a "
      "researcher's own cells or tasks, e.g. --import=my_package.my_cells.",
      flag_values=flag_values)


def modules_from_argv(argv: Sequence[str]) -> list[str]:
  """The modules named by ``--import=M`` / ``--import M`` in ``argv`` (in order)."""
  modules = []
  args = list(argv[1:])
  for i, arg in enumerate(args):
    if arg == "--":
      break
    match = _FLAG_RE.match(arg)
    if match is None:
      continue
    value = match.group("value")
    if value is None:
      if i + 1 >= len(args):
        raise ValueError(f"--{FLAG} needs a module name, e.g. --{FLAG}=my_package.my_cells")
      value = args[i + 1]
    modules.append(value)
  return modules


def import_modules(modules: Sequence[str]) -> None:
  """Imports each module; ValueError naming a module that cannot be imported."""
  for name in modules:
    if not name or not all(part.isidentifier() for part in name.split(".")):
      raise ValueError(f"--{FLAG}={name!r} is not a module name; allowed: a dotted Python "
                       "module path such as my_package.my_cells")
    try:
      importlib.import_module(name)
    except ImportError as error:
      raise ValueError(f"--{FLAG}={name}: cannot import it ({error}); put its folder on "
                       "PYTHONPATH or install its package") from error


def import_from_argv(argv: Sequence[str]) -> list[str]:
  """Imports the modules named by ``--import`` in ``argv``; returns their names."""
  modules = modules_from_argv(argv)
  import_modules(modules)
  return modules
