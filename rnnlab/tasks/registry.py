"""Task registry: task name (``config.task``) -> :class:`~rnnlab.tasks.task.Task` instance.

A task registers itself with ``@register_task`` when its module is imported. Built-in
tasks are listed in ``BUILTIN_TASK_MODULES`` and imported on first use, so importing
``rnnlab.tasks`` stays cheap and a task's dependencies load only when it runs. A task
living outside the package registers when its module is imported; its config file imports
it before calling ``base_config``.
"""
import importlib
from typing import Type

from rnnlab.tasks.task import Task

# name -> module that registers it. Add a line here for a new built-in task.
BUILTIN_TASK_MODULES = {
    "adding": "rnnlab.tasks.adding",
    "captioning": "rnnlab.tasks.captioning",
    "classification": "rnnlab.tasks.classification",
    "copy_memory": "rnnlab.tasks.copy_memory",
    "language_model": "rnnlab.tasks.language_model",
    "listops": "rnnlab.tasks.listops",
    "ctc_speech": "rnnlab.tasks.ctc_speech",
    "sequential_digits": "rnnlab.tasks.sequential_digits",
    "translation": "rnnlab.tasks.translation",
}

_REGISTRY: dict[str, Task] = {}


def register_task(task_cls: Type[Task]) -> Type[Task]:
  """Class decorator: registers an instance of ``task_cls`` under ``task_cls.name``."""
  name = task_cls.name
  if not name:
    raise ValueError(f"{task_cls.__name__} has an empty `name`; set a class attribute")
  existing = _REGISTRY.get(name)
  if existing is not None and type(existing).__qualname__ != task_cls.__qualname__:
    raise ValueError(f"task name {name!r} is already registered by "
                     f"{type(existing).__module__}.{type(existing).__qualname__}")
  _REGISTRY[name] = task_cls()
  return task_cls


def task_names() -> tuple[str, ...]:
  """All task names: registered ones and built-ins not imported yet, sorted."""
  return tuple(sorted(set(_REGISTRY) | set(BUILTIN_TASK_MODULES)))


def get_task(name: str) -> Task:
  """The task registered as ``name``; imports a built-in task's module on first use."""
  if name not in _REGISTRY and name in BUILTIN_TASK_MODULES:
    importlib.import_module(BUILTIN_TASK_MODULES[name])
  if name not in _REGISTRY:
    raise ValueError(f"unknown task {name!r}; allowed: {task_names()}")
  return _REGISTRY[name]
