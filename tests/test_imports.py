"""Every rnnlab module imports, all of them in one process.

A CLI module that defines absl flags at import time collides with another CLI's flag of the
same name (DuplicateFlagError) as soon as both are imported together, as pytest collection
does; CLIs define their flags in a function called under ``if __name__ == "__main__"``.
"""
import importlib
import pkgutil

import rnnlab

# Program modules whose flags are defined at import (their tests import them alone, or run
# them with `python -m`): rnnlab.main and rnnlab.demo both define --config.
PROGRAMS_WITH_IMPORT_TIME_FLAGS = {"rnnlab.main", "rnnlab.demo", "rnnlab.sample"}


def test_every_module_imports_together():
  names = [m.name for m in pkgutil.walk_packages(rnnlab.__path__, prefix="rnnlab.")]
  assert len(names) > 50
  for name in names:
    if name not in PROGRAMS_WITH_IMPORT_TIME_FLAGS:
      importlib.import_module(name)
