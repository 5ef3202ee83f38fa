"""Layering: every ``rnnlab`` import goes down the layers (DESIGN.md, "Layers import downwards
only": cells -> kernels -> recurrence -> nn -> models -> tasks -> training -> CLIs).

Each module under ``rnnlab/`` is parsed with ``ast`` (nothing is imported) and every
``rnnlab.*`` import it makes, at module level or inside a function, is checked against
:data:`ALLOWED`: the units (subpackages and top-level modules of ``rnnlab``) each unit may
import besides itself. The table is derived from the design, not from the code; a module
that runs back up is fixed where it is, not by widening a row.
"""
import ast
import pathlib

import pytest

import rnnlab

PACKAGE_ROOT = pathlib.Path(rnnlab.__file__).parent

_FOUNDATION = {"array_types"}
_CORE = _FOUNDATION | {"cells", "kernels", "recurrence", "trees", "nn", "params"}
# Everything a model may be built from: the RNN core, the front end, data, searches, metrics.
_BELOW_MODELS = _CORE | {"features", "data", "decoding", "metrics", "baselines"}
_BELOW_TASKS = _BELOW_MODELS | {"models"}
_BELOW_TRAINING = _BELOW_TASKS | {"tasks"}
_TRAINING_LAYER = {"training", "config_validation"}
# The programs (CLIs, sweeps, analysis of finished runs): anything but a task module.
_PROGRAMS = {"cli", "main", "sample", "translate", "transcribe", "caption", "demo", "sweep",
             "sweep_devices", "sweep_ray", "user_imports", "analysis"}
_PROGRAM_MAY_IMPORT = _BELOW_TASKS | _TRAINING_LAYER | _PROGRAMS

# unit -> the units it may import (besides itself).
ALLOWED: dict[str, frozenset[str]] = {
    # Foundations: the shape vocabulary.
    "array_types": frozenset(),
    # The RNN core, bottom up.
    "cells": frozenset(_FOUNDATION),
    "params": frozenset(_FOUNDATION | {"cells"}),
    "kernels": frozenset(_FOUNDATION | {"cells"}),
    "recurrence": frozenset(_FOUNDATION | {"cells", "kernels"}),
    "trees": frozenset(_FOUNDATION | {"cells", "kernels", "recurrence"}),
    "nn": frozenset(_FOUNDATION | {"cells", "kernels", "recurrence", "trees", "features"}),
    # Leaves beside the core: pure maths on arrays and strings.
    "features": frozenset(_FOUNDATION),
    "decoding": frozenset(_FOUNDATION),
    "metrics": frozenset(_FOUNDATION),
    # Input pipelines (trees for ListOps/bracketed trees, the speech front end's geometry).
    "data": frozenset(_FOUNDATION | {"trees", "features"}),
    # Count-based baselines, over the data and scored by the metrics.
    "baselines": frozenset(_FOUNDATION | {"data", "features", "metrics"}),
    "models": frozenset(_BELOW_MODELS),
    "tasks": frozenset(_BELOW_TASKS),
    # The loop, its config schema and the run directory; config_validation belongs to it.
    "training": frozenset(_BELOW_TRAINING | {"config_validation"}),
    "config_validation": frozenset(_BELOW_TRAINING | {"training"}),
    # The package root re-exports the core only (``import rnnlab`` stays cheap).
    "__init__": frozenset(_CORE),
    **{program: frozenset(_PROGRAM_MAY_IMPORT) for program in _PROGRAMS},
}
# Command-line programs that live inside a package (``python -m rnnlab.baselines.ngram_report``):
# they sit in the program layer, like the top-level CLIs, and nothing may import them.
PROGRAM_MODULES = frozenset({"rnnlab.baselines.bag_of_words", "rnnlab.baselines.ngram_report"})
# ``import rnnlab`` (the root package) imports the core: allowed wherever the core is.
ALLOWED = {unit: allowed | ({"__init__"} if _CORE <= allowed else set())
           for unit, allowed in ALLOWED.items()}


def unit_of(module: str) -> str:
  """``rnnlab.models.ctc`` -> ``models``; ``rnnlab.sample`` -> ``sample``; ``rnnlab`` ->
  ``__init__``."""
  parts = module.split(".")
  if parts[0] != "rnnlab":
    raise ValueError(f"module={module!r}; allowed: a module of the rnnlab package")
  return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: pathlib.Path, root: pathlib.Path) -> str:
  parts = list(path.relative_to(root.parent).with_suffix("").parts)
  if parts[-1] == "__init__":
    parts.pop()
  return ".".join(parts)


def _is_module(name: str) -> bool:
  path = PACKAGE_ROOT.parent.joinpath(*name.split("."))
  return path.is_dir() or path.with_suffix(".py").is_file()


def rnnlab_imports(source: str, module: str, is_package: bool = False) -> set[str]:
  """Every ``rnnlab.*`` module ``source`` imports, at module level or in a function.

  ``from rnnlab.a import b`` counts as ``rnnlab.a.b`` when ``b`` is a module, else as
  ``rnnlab.a``; relative imports are resolved against ``module`` (``is_package``: the
  source is that package's ``__init__``).
  """
  found = set()
  for node in ast.walk(ast.parse(source)):
    if isinstance(node, ast.Import):
      found.update(a.name for a in node.names if a.name.split(".")[0] == "rnnlab")
    elif isinstance(node, ast.ImportFrom):
      base = node.module or ""
      if node.level:
        anchor = module.split(".")
        anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join(anchor + ([base] if base else []))
      if base.split(".")[0] != "rnnlab":
        continue
      for alias in node.names:
        name = f"{base}.{alias.name}"
        found.add(name if _is_module(name) else base)
  return found


def back_edges(graph: dict[str, set[str]], allowed: dict[str, frozenset[str]]
               ) -> list[str]:
  """``"importer -> imported"`` for every import of ``graph`` (module -> imported modules)
  that :data:`ALLOWED`-style ``allowed`` does not permit; a unit missing from ``allowed``
  is reported too, so a new package must be given its row."""
  problems = []
  for importer, imported in sorted(graph.items()):
    unit = "cli" if importer in PROGRAM_MODULES else unit_of(importer)
    if unit not in allowed:
      problems.append(f"{importer}: unit {unit!r} has no row in the layering table")
      continue
    for target in sorted(imported):
      if target in PROGRAM_MODULES:
        problems.append(f"{importer} -> {target} (a program module; move what is shared "
                        "out of it)")
        continue
      target_unit = unit_of(target)
      if target_unit != unit and target_unit not in allowed[unit]:
        problems.append(f"{importer} -> {target} ({unit} may not import {target_unit})")
  return problems


def import_graph(root: pathlib.Path = PACKAGE_ROOT) -> dict[str, set[str]]:
  graph = {}
  for path in sorted(root.rglob("*.py")):
    module = module_name(path, root)
    graph[module] = rnnlab_imports(path.read_text(encoding="utf-8"), module,
                                   is_package=path.name == "__init__.py")
  return graph


def test_every_rnnlab_import_goes_down_the_layers():
  graph = import_graph()
  assert len(graph) > 100  # the whole package was read
  assert back_edges(graph, ALLOWED) == []


def test_clis_import_no_task_module():
  graph = import_graph()
  for cli in ("sample", "translate", "transcribe", "caption"):
    tasks = [m for m in graph[f"rnnlab.{cli}"] if unit_of(m) == "tasks"]
    assert tasks == [], cli


def test_checker_finds_back_edges_in_a_fake_graph():
  fake = {
      "rnnlab.cells.lstm": {"rnnlab.cells.base", "rnnlab.models.ctc"},  # runs back up
      "rnnlab.models.ctc": {"rnnlab.nn.stacked", "rnnlab.cells"},
      "rnnlab.sample": {"rnnlab.tasks.language_model", "rnnlab.models.builders"},
      "rnnlab.training.steps": {"rnnlab.analysis.gradients"},
      "rnnlab.newpackage.x": set(),
      "rnnlab.baselines.ngram_report": {"rnnlab.cli", "rnnlab.data.tokenizers"},  # a program
      "rnnlab.baselines.kneser_ney": {"rnnlab.cli", "rnnlab.baselines.ngram_report"},
  }
  assert back_edges(fake, ALLOWED) == [
      "rnnlab.baselines.kneser_ney -> rnnlab.baselines.ngram_report (a program module; move "
      "what is shared out of it)",
      "rnnlab.baselines.kneser_ney -> rnnlab.cli (baselines may not import cli)",
      "rnnlab.cells.lstm -> rnnlab.models.ctc (cells may not import models)",
      "rnnlab.newpackage.x: unit 'newpackage' has no row in the layering table",
      "rnnlab.sample -> rnnlab.tasks.language_model (sample may not import tasks)",
      "rnnlab.training.steps -> rnnlab.analysis.gradients (training may not import analysis)",
  ]


def test_imports_are_read_everywhere_in_a_module():
  source = '''
import rnnlab.cells.lstm
from rnnlab import training, cells
from rnnlab.models import ctc as ctc_lib
import numpy as np

def later():
  from rnnlab.tasks import registry  # inside a function
  return registry

class K:
  def m(self):
    import rnnlab.decoding
'''
  assert rnnlab_imports(source, "rnnlab.sample") == {
      "rnnlab.cells.lstm", "rnnlab.training", "rnnlab.cells", "rnnlab.models.ctc",
      "rnnlab.tasks.registry", "rnnlab.decoding"}
  assert rnnlab_imports("from rnnlab import count_params\nimport rnnlab\n",
                        "rnnlab.demo") == {"rnnlab"}
  relative = "from . import base\nfrom ..models import ctc\n"
  assert rnnlab_imports(relative, "rnnlab.cells.lstm") == {"rnnlab.cells.base",
                                                            "rnnlab.models.ctc"}
  assert rnnlab_imports(relative, "rnnlab.cells", is_package=True) == {
      "rnnlab.cells.base", "rnnlab.models.ctc"}


def test_unit_of_refuses_a_module_outside_rnnlab():
  assert unit_of("rnnlab") == "__init__"
  assert unit_of("rnnlab.data.speech.sources") == "data"
  with pytest.raises(ValueError, match="numpy"):
    unit_of("numpy.linalg")


def test_the_config_is_validated_in_one_place():
  """``config_validation.validate_config`` is called by ``train_and_evaluate`` only (main,
  demo and sweeps reach it through there), so a run's config is checked once."""
  callers = []
  for path in sorted(PACKAGE_ROOT.rglob("*.py")):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
      if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr == "validate_config"
          and isinstance(node.func.value, ast.Name)
          and node.func.value.id == "config_validation"):
        callers.append(module_name(path, PACKAGE_ROOT))
  assert callers == ["rnnlab.training.train_loop"]
