"""Optimizer factory: ``config.optimizer`` -> an optax chain and its learning-rate schedule.

The chain is ``clip -> optimizer(learning_rate=schedule)`` (DESIGN.md). Every choice is a
name in ``config.optimizer``:

* ``name``: ``sgd``, ``momentum`` (heavy ball, ``nesterov`` optional), ``adam``, ``adamw``
  (decoupled ``weight_decay``), ``rmsprop`` (``rms_decay``, ``momentum``), ``adagrad``.
* ``schedule`` (the learning rate as a function of the step, starting at 0):

  - ``constant``: ``learning_rate``.
  - ``step_decay``: constant for the first ``decay_start_epoch`` epochs, then multiplied by
    ``decay_factor`` at the start of every following epoch (Zaremba et al. 2014: lr 1,
    halved every epoch after epoch 4). An epoch is ``steps_per_epoch`` steps.
  - ``exponential``: ``learning_rate * decay_factor ** (step / decay_steps)`` (smooth).
  - ``cosine``: cosine decay from ``learning_rate`` to ``min_learning_rate_ratio *
    learning_rate`` over the steps after warmup (``num_steps - warmup_steps``).

  ``warmup_steps > 0`` prepends a linear warmup from 0 to ``learning_rate`` to any of them
  (the schedule that follows starts counting at the end of the warmup).
* ``clip``: ``global_norm`` (rescale the whole gradient to norm <= ``clip_norm``),
  ``value`` (clip every component to ``[-clip_value, clip_value]``, seed 003's rule) or
  ``none``.
"""
from typing import Callable

import ml_collections
import optax

OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULES = ("constant", "step_decay", "exponential", "cosine")
CLIPPING = ("global_norm", "value", "none")


def default_optimizer_config() -> ml_collections.ConfigDict:
  """The ``optimizer`` section with every key it accepts and its default value."""
  return ml_collections.ConfigDict(dict(
      name="adam",
      learning_rate=1e-3,
      # Optimizer hyperparameters (each used only by the optimizers named in brackets).
      momentum=0.9,  # [momentum, rmsprop (0.0 disables it there)]
      nesterov=False,  # [momentum]
      b1=0.9,  # [adam, adamw]
      b2=0.999,  # [adam, adamw]
      eps=1e-8,  # [adam, adamw, rmsprop, adagrad]
      weight_decay=0.0,  # [adamw]
      rms_decay=0.9,  # [rmsprop]
      # Schedule.
      schedule="constant",
      warmup_steps=0,
      decay_factor=0.5,  # [step_decay, exponential]
      decay_start_epoch=4,  # [step_decay]
      steps_per_epoch=0,  # [step_decay]; 0 = ask the task (Task.steps_per_epoch)
      decay_steps=1000,  # [exponential]
      min_learning_rate_ratio=0.0,  # [cosine]
      # Gradient clipping, applied before the optimizer.
      clip="global_norm",
      clip_norm=1.0,  # [global_norm]
      clip_value=1.0,  # [value]
  ))


def make_schedule(opt: ml_collections.ConfigDict, *, num_steps: int,
                  steps_per_epoch: int = 0) -> optax.Schedule:
  """Learning rate schedule from the ``optimizer`` section.

  Args:
    opt: the ``optimizer`` config section.
    num_steps: total training steps (``train.num_steps``), used by ``cosine``.
    steps_per_epoch: used by ``step_decay`` when ``opt.steps_per_epoch`` is 0.

  Returns:
    A function step (int) -> learning rate (float32 scalar).
  """
  lr = opt.learning_rate
  warmup = opt.warmup_steps
  if opt.schedule == "constant":
    main = optax.constant_schedule(lr)
  elif opt.schedule == "step_decay":
    epoch_steps = opt.steps_per_epoch or steps_per_epoch
    if epoch_steps <= 0:
      raise ValueError(
          "optimizer.schedule='step_decay' needs optimizer.steps_per_epoch > 0 (this task "
          f"defines no epoch length); got steps_per_epoch={opt.steps_per_epoch}")
    if opt.decay_start_epoch < 1:
      raise ValueError("optimizer.decay_start_epoch must be >= 1 (epochs at the initial "
                       f"learning rate), got {opt.decay_start_epoch}")
    # staircase: lr * f ** floor((step - begin) / epoch); the first drop is at step
    # decay_start_epoch * epoch_steps.
    main = optax.exponential_decay(
        lr, transition_steps=epoch_steps, decay_rate=opt.decay_factor,
        transition_begin=(opt.decay_start_epoch - 1) * epoch_steps, staircase=True)
  elif opt.schedule == "exponential":
    main = optax.exponential_decay(
        lr, transition_steps=opt.decay_steps, decay_rate=opt.decay_factor)
  elif opt.schedule == "cosine":
    main = optax.cosine_decay_schedule(
        lr, decay_steps=max(num_steps - warmup, 1), alpha=opt.min_learning_rate_ratio)
  else:
    raise ValueError(f"unknown optimizer.schedule {opt.schedule!r}; allowed: {SCHEDULES}")
  if warmup > 0:
    return optax.join_schedules(
        [optax.linear_schedule(0.0, lr, warmup), main], boundaries=[warmup])
  return main


def make_clipping(opt: ml_collections.ConfigDict) -> optax.GradientTransformation:
  """The clipping transformation named by ``opt.clip``."""
  if opt.clip == "global_norm":
    return optax.clip_by_global_norm(opt.clip_norm)
  if opt.clip == "value":
    return optax.clip(opt.clip_value)
  if opt.clip == "none":
    return optax.identity()
  raise ValueError(f"unknown optimizer.clip {opt.clip!r}; allowed: {CLIPPING}")


def _make_base_optimizer(opt: ml_collections.ConfigDict,
                         schedule: optax.Schedule) -> optax.GradientTransformation:
  if opt.name == "sgd":
    return optax.sgd(schedule)
  if opt.name == "momentum":
    return optax.sgd(schedule, momentum=opt.momentum, nesterov=opt.nesterov)
  if opt.name == "adam":
    return optax.adam(schedule, b1=opt.b1, b2=opt.b2, eps=opt.eps)
  if opt.name == "adamw":
    return optax.adamw(schedule, b1=opt.b1, b2=opt.b2, eps=opt.eps,
                       weight_decay=opt.weight_decay)
  if opt.name == "rmsprop":
    return optax.rmsprop(schedule, decay=opt.rms_decay, eps=opt.eps,
                         momentum=opt.momentum or None)
  if opt.name == "adagrad":
    return optax.adagrad(schedule, eps=opt.eps)
  raise ValueError(f"unknown optimizer.name {opt.name!r}; allowed: {OPTIMIZERS}")


def make_optimizer(opt: ml_collections.ConfigDict, *, num_steps: int, steps_per_epoch: int = 0
                   ) -> tuple[optax.GradientTransformation, Callable[[int], float]]:
  """Builds ``clip -> optimizer(schedule)``.

  Returns:
    ``(tx, schedule)``; the schedule is returned too so the train loop can log the
    learning rate of every step.
  """
  schedule = make_schedule(opt, num_steps=num_steps, steps_per_epoch=steps_per_epoch)
  tx = optax.chain(make_clipping(opt), _make_base_optimizer(opt, schedule))
  return tx, schedule
