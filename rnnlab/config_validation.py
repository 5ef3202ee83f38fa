"""Checks a run config before anything is built or compiled.

Every problem raises ``ValueError`` naming the key, the bad value and what is allowed:
a missing or extra top-level section, an unknown task, an unknown or missing key (compared
with the task's ``base_config``), a value of the wrong type, a value outside a closed set of
choices (optimizer, schedule, clipping, cell, ...), NaN or infinite numbers anywhere and
out-of-range numbers.
"""
import difflib
import math
from typing import Any, Iterable, Mapping, Sequence

import jax
import ml_collections

from rnnlab.tasks import registry
from rnnlab.training import defaults
from rnnlab.training import optimizers

GENERIC_CHOICES: Mapping[str, Sequence[Any]] = {
    "optimizer.name": optimizers.OPTIMIZERS,
    "optimizer.schedule": optimizers.SCHEDULES,
    "optimizer.clip": optimizers.CLIPPING,
    "train.best_mode": defaults.BEST_MODES,
    "train.grad_norm_groups": defaults.GRAD_NORM_GROUPS,
}
_POSITIVE = ("train.batch_size", "train.num_steps", "train.eval_every",
             "train.checkpoint_every", "train.log_every", "train.keep_checkpoints",
             "optimizer.learning_rate", "optimizer.clip_norm", "optimizer.clip_value",
             "optimizer.decay_steps", "optimizer.decay_factor", "optimizer.eps")
_NON_NEGATIVE = ("train.eval_batch_size", "optimizer.warmup_steps",
                 "optimizer.steps_per_epoch", "optimizer.weight_decay",
                 "optimizer.momentum", "optimizer.min_learning_rate_ratio")


def _get(config: ml_collections.ConfigDict, path: str) -> Any:
  value = config
  for part in path.split("."):
    value = value[part]
  return value


# Keys renamed so that every task uses one name per concept: old name -> new name. A config
# (or a --config.a.b override) with an old name stops with a message naming the new one.
RENAMED_KEYS: Mapping[str, str] = {
    "seq_length": "seq_len",  # adding (language_model says seq_len)
    "beam_width": "beam_size",  # ctc_speech model.decoding (translation says beam_size)
    "eval_size": "max_eval_examples",  # adding, copy (the dataset tasks say max_eval_examples)
}


def unknown_key_message(section: str, key: str, allowed: Iterable[str]) -> str:
  """``unknown config key 'data.pathh'; allowed keys in 'data': [...]; nearest: 'path'``.

  A key of :data:`RENAMED_KEYS` whose new name is allowed gets ``config key
  'data.seq_length' was renamed to 'data.seq_len'`` instead.
  """
  allowed = sorted(allowed)
  renamed = RENAMED_KEYS.get(key)
  if renamed in allowed:
    old, new = (f"{section}.{key}", f"{section}.{renamed}") if section else (key, renamed)
    return f"config key {old!r} was renamed to {new!r}; use {new!r}"
  nearest = difflib.get_close_matches(key, allowed, n=3, cutoff=0.6)
  near = f"; nearest: {', '.join(repr(n) for n in nearest)}" if nearest else ""
  full = f"{section}.{key}" if section else key
  return (f"unknown config key {full!r}; allowed keys in {section or 'the config'!r}: "
          f"{allowed}{near}")


def _check_keys(config: Any, reference: Any, prefix: str) -> None:
  """Same keys as ``reference`` (recursively) and compatible leaf types."""
  if isinstance(reference, (ml_collections.ConfigDict, dict)):
    if not isinstance(config, (ml_collections.ConfigDict, dict)):
      raise ValueError(f"config key {prefix!r} must be a section (dict), got {config!r}")
    allowed = sorted(reference.keys())
    for key in config.keys():
      if key not in reference:
        raise ValueError(unknown_key_message(prefix, key, allowed))
    for key in allowed:
      if key not in config:
        raise ValueError(f"missing config key {prefix + '.' + key!r} (default "
                         f"{reference[key]!r}); start from rnnlab.training.base_config")
      _check_keys(config[key], reference[key], prefix + "." + key)
    return
  if reference is None or config is None:
    return
  numbers = config if isinstance(config, (tuple, list)) else (config,)
  if any(isinstance(n, float) and not math.isfinite(n) for n in numbers):
    raise ValueError(f"config.{prefix}={config!r}; allowed: finite numbers (NaN and infinity "
                     "would train or decode silently wrong)")
  ok = isinstance(config, type(reference))
  if isinstance(reference, float) and isinstance(config, int) and not isinstance(config, bool):
    ok = True
  if isinstance(reference, int) and not isinstance(reference, bool) and isinstance(config, bool):
    ok = False
  if isinstance(reference, (tuple, list)) and isinstance(config, (tuple, list)):
    ok = True
  if not ok:
    raise ValueError(f"config key {prefix!r} must be of type {type(reference).__name__} "
                     f"like its default {reference!r}, got {config!r}")


def validate_config(config: ml_collections.ConfigDict, *, num_devices: int | None = None
                    ) -> None:
  """Raises ValueError for the first problem found in ``config``; returns None if valid.

  Args:
    config: a full run config (sections task, data, model, optimizer, train).
    num_devices: devices the global batch is split over; default ``jax.device_count()``.
  """
  sections = tuple(config.keys())
  for section in sections:
    if section not in defaults.SECTIONS:
      raise ValueError(f"unknown top-level config section {section!r}; allowed: "
                       f"{defaults.SECTIONS} (a task adds keys inside sections, never new "
                       "sections)")
  for section in defaults.SECTIONS:
    if section not in sections:
      raise ValueError(f"missing top-level config section {section!r}; required: "
                       f"{defaults.SECTIONS}")
  task_name = config.task
  if task_name not in registry.task_names():
    raise ValueError(f"unknown task {task_name!r} (config.task); allowed: "
                     f"{registry.task_names()}")
  task = registry.get_task(task_name)
  reference = defaults.base_config(task_name)
  for section in defaults.SECTIONS[1:]:
    _check_keys(config[section], reference[section], section)

  choices = dict(GENERIC_CHOICES)
  choices.update(task.config_choices())
  for path, allowed in choices.items():
    value = _get(config, path)
    if value not in allowed:
      raise ValueError(f"invalid value {value!r} for config.{path}; allowed: {tuple(allowed)}")
  for path in _POSITIVE:
    if not _get(config, path) > 0:
      raise ValueError(f"config.{path} must be > 0, got {_get(config, path)!r}")
  for path in _NON_NEGATIVE:
    if not _get(config, path) >= 0:
      raise ValueError(f"config.{path} must be >= 0, got {_get(config, path)!r}")
  if config.optimizer.schedule == "step_decay" and config.optimizer.decay_start_epoch < 1:
    raise ValueError("config.optimizer.decay_start_epoch must be >= 1, got "
                     f"{config.optimizer.decay_start_epoch!r}")
  num_devices = jax.device_count() if num_devices is None else num_devices
  for path in ("train.batch_size", "train.eval_batch_size"):
    value = _get(config, path)
    if value % num_devices:
      raise ValueError(f"config.{path}={value} must be divisible by the number of devices "
                       f"({num_devices}): the batch is split evenly over them")
  best_metric = config.train.best_metric
  if best_metric:
    names = tuple(task.eval_metric_names(config))
    if best_metric not in names:
      raise ValueError(f"invalid value {best_metric!r} for config.train.best_metric; allowed: "
                       f"the eval metrics of task {task_name!r} {names}, or '' (keep no best "
                       "checkpoint)")
  task.validate_config(config)
