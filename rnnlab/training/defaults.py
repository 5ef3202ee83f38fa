"""The config schema: the five sections every rnnlab config has, with their defaults.

``task`` (name), ``data`` and ``model`` (defined by the task), ``optimizer`` (see
``rnnlab.training.optimizers``) and ``train`` (below). ``base_config(task)`` assembles them;
every ``configs/*.py`` starts from it and changes values, never adds keys.
"""
import ml_collections

from rnnlab.tasks import registry
from rnnlab.training import optimizers

SECTIONS = ("task", "data", "model", "optimizer", "train")
BEST_MODES = ("min", "max")
# Per-parameter-group gradient norms logged every step: "none", by "layer" (the first two
# levels of the param tree, e.g. ``params/layer_0``) or one per parameter "leaf".
GRAD_NORM_GROUPS = ("none", "layer", "leaf")


def default_train_config() -> ml_collections.ConfigDict:
  """The ``train`` section with every key it accepts and its default value."""
  return ml_collections.ConfigDict(dict(
      seed=0,  # one seed per run: parameters, and every step's key = fold_in(seed key, step)
      batch_size=32,  # global batch (all devices, all hosts); divisible by the device count
      num_steps=1000,
      eval_every=200,  # steps between evaluations (and at the last step)
      eval_batch_size=0,  # 0 = batch_size
      checkpoint_every=200,  # steps between checkpoints (and at the last step)
      keep_checkpoints=3,  # keep the last K periodic checkpoints ...
      best_metric="loss",  # ... and the best by this eval metric ("" = do not keep a best)
      best_mode="min",  # "min" or "max"
      log_every=50,  # steps between progress lines (every step's metrics go to the files)
      grad_norm_groups="layer",  # per-group pre-clip gradient norms in metrics.jsonl: GRAD_NORM_GROUPS
  ))


def base_config(task: str) -> ml_collections.ConfigDict:
  """A complete config for ``task`` with every default: edit values, do not add keys."""
  task_defaults = registry.get_task(task).default_config()
  return ml_collections.ConfigDict(dict(
      task=task,
      data=task_defaults.data,
      model=task_defaults.model,
      optimizer=optimizers.default_optimizer_config(),
      train=default_train_config(),
  ))
