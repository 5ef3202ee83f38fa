"""The pieces ``configs/*.py`` share, so each experiment file states only what differs.

An experiment config is ``base_config(task)`` (every default: ``adam`` at 1e-3, global-norm
clipping at 1.0, a constant schedule, batch 32, ...) plus the values its experiment changes.
What several experiments change the same way lives here, once:

* :func:`cosine_schedule`: cosine decay after an optional linear warmup;
* :func:`short_run`: the ``train`` settings of a ``debug`` variant (a few steps, evaluated
  and checkpointed every ``every`` steps);
* :func:`unknown_variant`: the one-line error for a variant the file does not have.
"""
from typing import Sequence

import ml_collections


def cosine_schedule(optimizer: ml_collections.ConfigDict, *, warmup_steps: int = 0,
                    min_learning_rate_ratio: float = 0.05) -> None:
  """Sets ``optimizer.schedule = "cosine"`` (to ``min_learning_rate_ratio`` of the peak
  learning rate at ``train.num_steps``) after ``warmup_steps`` of linear warmup."""
  optimizer.schedule = "cosine"
  optimizer.warmup_steps = warmup_steps
  optimizer.min_learning_rate_ratio = min_learning_rate_ratio


def short_run(train: ml_collections.ConfigDict, *, batch_size: int, num_steps: int, every: int,
              log_every: int | None = None) -> None:
  """A ``debug`` variant's ``train`` section: ``num_steps`` steps of ``batch_size``, eval and
  checkpoint every ``every`` steps, a progress line every ``log_every`` (default ``every``)."""
  train.batch_size = batch_size
  train.num_steps = num_steps
  train.eval_every = every
  train.checkpoint_every = every
  train.log_every = every if log_every is None else log_every


def unknown_variant(variant: str, config_file: str, allowed: Sequence[str]) -> ValueError:
  """``unknown variant 'dbug' of configs/adding.py; allowed: 'debug'`` (raise it)."""
  return ValueError(f"unknown variant {variant!r} of {config_file}; allowed: "
                    f"{', '.join(repr(a) for a in allowed)}")
