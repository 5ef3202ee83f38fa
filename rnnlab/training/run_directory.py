"""The run directory: its file names, config, metrics, tokenizers and checkpoint parameters.

One API for everything that reads or writes a run directory (``rnnlab.main`` and the train
loop, ``sample``, ``translate``, ``transcribe``, ``demo``, ``sweep``, ``analysis.results``)::

  <workdir>/config.json           the run's config (written once the run is known to resume)
  <workdir>/metrics.jsonl         one JSON object per line (``metric_writers``)
  <workdir>/final_metrics.json    written only when the run completes
  <workdir>/tensorboard/          TensorBoard events
  <workdir>/checkpoints/<step>/{state,data}    orbax checkpoints
  <workdir>/checkpoints_corrupt/  checkpoints that could not be read, moved aside
  <workdir>/vocab.json | source_tokenizer.json, target_tokenizer.json   tokenizers
  <workdir>/.rnnlab.lock          held while a run trains in it (``run_lock``)

Resuming (``check_resume_compatible``): the requested config is compared with the saved
``config.json`` before anything is written. Only the keys of ``RESUMABLE_KEYS`` (how long to
train and how often to log, evaluate and checkpoint) may change silently; any other change
is refused with one error listing every differing key (old -> new), unless the key is named
in ``allow_config_change`` (``task`` never may: a run of another task is always refused).
"""
import errno
import json
import math
import os
import shutil
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

import jax
import ml_collections
import orbax.checkpoint as ocp

from rnnlab.data import vocabulary as vocabulary_lib
from rnnlab.data.captioning import batching as caption_batching
from rnnlab.data.translation import tokenizers as translation_tokenizers

CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.jsonl"
FINAL_METRICS_FILE = "final_metrics.json"
TENSORBOARD_DIR = "tensorboard"
CHECKPOINTS_DIR = "checkpoints"
CORRUPT_CHECKPOINTS_DIR = "checkpoints_corrupt"
STATE_ITEM = "state"  # a checkpoint step holds the TrainState under this item ...
DATA_ITEM = "data"  # ... and the data iterator's position under this one
LOCK_FILE = ".rnnlab.lock"
# Tokenizer files by role: a language model's vocabulary; a translation model's two sides.
TOKENIZER_FILES = {
    "vocabulary": vocabulary_lib.FILE_NAME,
    "source": translation_tokenizers.SOURCE_TOKENIZER_FILE,
    "target": translation_tokenizers.TARGET_TOKENIZER_FILE,
    "caption": caption_batching.TOKENIZER_FILE,
}
# Keys that may change when a run is resumed: they change neither the parameters nor the
# data stream, only how long the run trains and how often it logs, evaluates and saves.
RESUMABLE_KEYS = ("train.num_steps", "train.eval_every", "train.checkpoint_every",
                  "train.log_every", "train.keep_checkpoints", "train.grad_norm_groups")
CHECKPOINT_CHOICES = ("latest", "best")  # or a step number


class RunDirectoryError(ValueError):
  """A run directory that cannot be used as asked (another run's, wrong place, in use)."""


class DiskFullError(OSError):
  """Writing a run file failed for lack of space; the message names the file and the need."""


# ---- paths ------------------------------------------------------------------------


def config_path(workdir: str) -> str:
  return os.path.join(workdir, CONFIG_FILE)


def metrics_path(workdir: str) -> str:
  return os.path.join(workdir, METRICS_FILE)


def final_metrics_path(workdir: str) -> str:
  return os.path.join(workdir, FINAL_METRICS_FILE)


def tensorboard_dir(workdir: str) -> str:
  return os.path.join(workdir, TENSORBOARD_DIR)


def checkpoints_dir(workdir: str) -> str:
  """Absolute (orbax refuses relative paths)."""
  return os.path.join(os.path.abspath(workdir), CHECKPOINTS_DIR)


def corrupt_checkpoints_dir(workdir: str) -> str:
  return os.path.join(os.path.abspath(workdir), CORRUPT_CHECKPOINTS_DIR)


def lock_path(workdir: str) -> str:
  return os.path.join(workdir, LOCK_FILE)


def tokenizer_path(workdir: str, role: str) -> str:
  """The tokenizer file of ``role`` (``vocabulary``, ``source`` or ``target``)."""
  if role not in TOKENIZER_FILES:
    raise ValueError(f"tokenizer role {role!r}; allowed: {tuple(TOKENIZER_FILES)}")
  return os.path.join(workdir, TOKENIZER_FILES[role])


def is_finished(workdir: str) -> bool:
  """Whether the run completed (``final_metrics.json`` exists)."""
  return os.path.exists(final_metrics_path(workdir))


def check_location(workdir: str, flag: str = "--workdir") -> None:
  """RunDirectoryError if ``workdir`` is a file or cannot be created/written; writes nothing.

  Every output directory a CLI is given is checked so (a run's or a sweep's ``--workdir``,
  ``--out``, ``--attention_maps``); ``flag`` names it in the message.
  """
  if os.path.exists(workdir) and not os.path.isdir(workdir):
    raise RunDirectoryError(f"{flag} {workdir!r} is an existing file, not a directory; "
                            "give a directory (it is created if missing)")
  existing = os.path.abspath(workdir)
  while not os.path.exists(existing):
    existing = os.path.dirname(existing)
  if not os.path.isdir(existing):
    raise RunDirectoryError(f"{flag} {workdir!r} cannot be created: {existing!r} is a file")
  if not os.access(existing, os.W_OK | os.X_OK):
    raise RunDirectoryError(f"{flag} {workdir!r} is not writable: no write permission on "
                            f"{existing!r} (or a read-only file system); choose another "
                            "directory")


# ---- writing, with a clear error on a full disk -----------------------------------


def disk_full_error(error: BaseException, path: str, needed_bytes: int | None
                    ) -> "DiskFullError | None":
  """A DiskFullError naming ``path`` if ``error`` (or its cause) is ENOSPC, else None."""
  seen = error
  while seen is not None:
    if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
      break
    if "No space left on device" in str(seen):  # tensorstore's errors (orbax) carry only text
      break
    seen = seen.__cause__ or seen.__context__
  if seen is None:
    return None
  directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
  try:
    free = shutil.disk_usage(directory).free
  except OSError:
    free = None
  need = f"about {_size(needed_bytes)} needed" if needed_bytes else "more space needed"
  have = f", {_size(free)} free" if free is not None else ""
  full = DiskFullError(f"disk full writing {path} ({need}{have}); free some space and run "
                       "the same command again to resume from the last checkpoint")
  full.errno = errno.ENOSPC
  return full


def _size(num_bytes: int) -> str:
  for unit, scale in (("GiB", 2**30), ("MiB", 2**20)):
    if num_bytes >= scale:
      return f"{num_bytes / scale:.1f} {unit}"
  return f"{num_bytes / 2**10:.1f} KiB"


def write_json(path: str, value: Any) -> None:
  """Writes ``value`` as JSON atomically (temporary file + rename); DiskFullError if full."""
  text = json.dumps(value, indent=2, sort_keys=True)
  tmp = path + ".tmp"
  try:
    with open(tmp, "w") as f:
      f.write(text)
    os.replace(tmp, path)
  except OSError as error:
    full = disk_full_error(error, path, len(text.encode()))
    if full is None:
      raise
    if os.path.exists(tmp):
      os.remove(tmp)
    raise full from error


# ---- config -----------------------------------------------------------------------


def read_config(workdir: str, *, task: str | None = None, program: str = "this command"
                ) -> ml_collections.ConfigDict:
  """The saved ``config.json``; RunDirectoryError if missing or (``task``) of another task."""
  path = config_path(workdir)
  if not os.path.isfile(path):
    raise RunDirectoryError(f"{workdir!r} has no {CONFIG_FILE}: not an rnnlab run directory "
                            "(train one with python -m rnnlab.main)")
  with open(path) as f:
    config = ml_collections.ConfigDict(json.load(f))
  if task is not None and config.get("task") != task:
    raise RunDirectoryError(f"{workdir!r} is a {config.get('task')!r} run; {program} needs a "
                            f"{task!r} run")
  return config


def write_config(workdir: str, config: ml_collections.ConfigDict) -> None:
  write_json(config_path(workdir), config.to_dict())


def flatten(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
  """``{"model": {"cell": "lstm"}}`` -> ``{"model.cell": "lstm"}``; lists become tuples."""
  flat = {}
  for key, value in config.items():
    name = f"{prefix}{key}"
    if isinstance(value, Mapping):
      flat.update(flatten(value, prefix=name + "."))
    else:
      flat[name] = tuple(value) if isinstance(value, list) else value
  return flat


_ABSENT = "(absent)"


def config_changes(saved: Mapping[str, Any], requested: Mapping[str, Any]
                   ) -> list[tuple[str, Any, Any]]:
  """``[(dotted key, saved value, requested value)]`` for every key that differs."""
  old = flatten(json.loads(json.dumps(saved)))  # tuples/lists compared the same way
  new = flatten(json.loads(json.dumps(requested)))
  return [(key, old.get(key, _ABSENT), new.get(key, _ABSENT))
          for key in sorted(set(old) | set(new)) if old.get(key, _ABSENT) != new.get(key, _ABSENT)]


def _allowed(key: str, patterns: Iterable[str]) -> bool:
  return any(key == p or key.startswith(p + ".") for p in patterns)


def parse_allowed_changes(text: str | Sequence[str]) -> tuple[str, ...]:
  """``"optimizer.learning_rate, data"`` -> ``("optimizer.learning_rate", "data")``."""
  items = text.split(",") if isinstance(text, str) else list(text)
  keys = tuple(item.strip() for item in items if item.strip())
  if any(k == "task" or k.startswith("task.") for k in keys):
    raise RunDirectoryError("allow_config_change may not name 'task': a run directory "
                            "belongs to one task; use a new --workdir")
  return keys


def check_resume_compatible(workdir: str, config: ml_collections.ConfigDict,
                            allow_config_change: Sequence[str] = ()) -> list[tuple[str, Any, Any]]:
  """Refuses to resume ``workdir`` with a config that changes what it trained.

  Nothing is read but ``config.json`` and nothing is written. Keys in ``RESUMABLE_KEYS`` or
  named (or under a section named) in ``allow_config_change`` may differ.

  Returns:
    The accepted changes (empty for a new run directory).

  Raises:
    RunDirectoryError: one message listing every refused key as ``key: old -> new`` and how
      to proceed (a new ``--workdir``, or ``--allow_config_change=<keys>``).
  """
  allow = parse_allowed_changes(allow_config_change)
  if not os.path.isfile(config_path(workdir)):
    return []
  with open(config_path(workdir)) as f:
    saved = json.load(f)
  if not isinstance(saved, dict) or "task" not in saved:
    return []  # not an rnnlab config: the task and the checkpoints' shapes still decide
  changes = config_changes(saved, config.to_dict())
  if saved.get("task") != config.task:
    raise RunDirectoryError(
        f"{workdir!r} holds a {saved.get('task')!r} run; this config trains "
        f"{config.task!r}. A run directory belongs to one task: use a new --workdir")
  refused = [c for c in changes if not _allowed(c[0], RESUMABLE_KEYS + allow)]
  if refused:
    listed = "; ".join(f"{key}: {old!r} -> {new!r}" for key, old, new in refused)
    raise RunDirectoryError(
        f"{workdir!r} was trained with another config ({listed}); nothing was changed. Use a "
        "new --workdir, or, to resume with these values, --allow_config_change="
        f"{','.join(key for key, _, _ in refused)} (only keys that do not change the "
        "parameters' shapes can resume)")
  return changes


# ---- metrics ----------------------------------------------------------------------


def read_metrics(path: str) -> Iterator[dict[str, Any]]:
  """Yields the records of a ``metrics.jsonl`` file (or a run dir's), skipping torn lines."""
  if os.path.isdir(path):
    path = metrics_path(path)
  if not os.path.exists(path):
    return
  with open(path) as f:
    for line in f:
      try:
        yield json.loads(line)
      except json.JSONDecodeError:
        continue  # a line cut short by a killed process


def eval_values(workdir: str, metric: str) -> dict[int, float]:
  """``{step: value}`` of eval metric ``metric`` (the last record of a step wins)."""
  return {int(r["step"]): r[metric] for r in read_metrics(workdir)
          if r.get("split") == "eval" and isinstance(r.get(metric), float)}


def best_value(workdir: str, metric: str, mode: str) -> float | None:
  """The best eval value of ``metric`` so far (``mode`` min or max); None if none."""
  values = list(eval_values(workdir, metric).values())
  if not values:
    return None
  return min(values) if mode == "min" else max(values)


# ---- checkpoints ------------------------------------------------------------------


def checkpoint_steps(workdir: str) -> list[int]:
  """The steps saved under ``checkpoints/`` (complete ones: orbax renames when done)."""
  directory = checkpoints_dir(workdir)
  if not os.path.isdir(directory):
    return []
  return sorted(int(name) for name in os.listdir(directory) if name.isdigit())


def state_path(workdir: str, step: int) -> str:
  return os.path.join(checkpoints_dir(workdir), str(step), STATE_ITEM)


def candidate_steps(workdir: str, config: ml_collections.ConfigDict, which: str) -> list[int]:
  """Kept steps in the order to try: newest first (``latest``), best first (``best``) or
  just the given step (a number)."""
  steps = checkpoint_steps(workdir)
  if not steps:
    raise RunDirectoryError(f"no checkpoints in {checkpoints_dir(workdir)!r}; train first "
                            "(python -m rnnlab.main)")
  if str(which).isdigit():
    if int(which) not in steps:
      raise RunDirectoryError(f"checkpoint={which}: no such step in {workdir!r}; kept steps: "
                              f"{steps}")
    return [int(which)]
  if which == "latest":
    return steps[::-1]
  if which != "best":
    raise ValueError(f"checkpoint={which!r}; allowed: 'latest', 'best' or a step number")
  metric, mode = config.train.best_metric, config.train.best_mode
  values = eval_values(workdir, metric) if metric else {}
  ranked = [s for s in steps if s in values]
  if not ranked:
    raise RunDirectoryError(f"no kept checkpoint of {workdir!r} has an eval {metric!r} value; "
                            "use --checkpoint=latest")
  return sorted(ranked, key=lambda s: values[s], reverse=mode == "max")


def state_metadata(path: str) -> Any:
  """The saved TrainState's tree of array metadata (shape, dtype); raises if unreadable."""
  metadata = ocp.StandardCheckpointer().metadata(os.path.abspath(path)).item_metadata
  if metadata is None or metadata.tree is None:
    raise ValueError("no readable item metadata (damaged or incomplete)")
  return metadata.tree


def _restore_params_at(path: str) -> Any:
  tree = state_metadata(path)
  device = jax.sharding.SingleDeviceSharding(jax.devices()[0])
  abstract = jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=device),
                          tree)
  return ocp.StandardCheckpointer().restore(os.path.abspath(path), abstract)["params"]


class RestoredParams(NamedTuple):
  params: Any  # the ``params`` of the saved TrainState, on this process's first device
  step: int
  path: str  # the checkpoint's state directory


def restore_params(workdir: str, config: ml_collections.ConfigDict, checkpoint: str = "latest"
                   ) -> RestoredParams:
  """The model parameters of a run's latest, best (``train.best_metric``) or given step.

  Reads only: nothing in ``workdir`` is written or moved. A checkpoint that cannot be read
  is not replaced by another one silently (``latest`` would then mean something else): the
  RunDirectoryError names its file and the other kept steps, which ``checkpoint=<step>``
  loads.
  """
  step = candidate_steps(workdir, config, str(checkpoint))[0]
  path = state_path(workdir, step)
  try:
    return RestoredParams(_restore_params_at(path), step, path)
  except Exception as error:  # pylint: disable=broad-except
    # orbax/tensorstore raise many exception types for damaged files.
    reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    others = [s for s in checkpoint_steps(workdir) if s != step]
    alternative = (f"the run also keeps steps {others}: pass --checkpoint=<step>" if others
                   else "the run keeps no other checkpoint")
    raise RunDirectoryError(
        f"checkpoint {path} cannot be read ({type(error).__name__}: {reason}); "
        f"{alternative}, or retrain") from error


def state_nbytes(tree: Any) -> int:
  """Bytes of the arrays of ``tree`` (what a checkpoint of it needs, roughly)."""
  return int(sum(math.prod(x.shape) * x.dtype.itemsize for x in jax.tree.leaves(tree)
                 if hasattr(x, "shape")))
