"""The jitted train and eval steps, built from a task, a model and an optimizer."""
from typing import Any, Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from rnnlab.params import parameter_group_norms
from rnnlab.tasks.task import Batch, EvalSums, Metrics, Task
from rnnlab.training.train_state import TrainState


GROUP_DEPTHS = {"layer": 2, "leaf": None}


def make_train_step(task: Task, model: nn.Module, tx: optax.GradientTransformation,
                    schedule: Callable[[Any], Any], grad_norm_groups: str = "none"
                    ) -> Callable[..., tuple[TrainState, Metrics]]:
  """``train_step(state, batch, *, key) -> (state, metrics)`` (not yet jitted).

  ``key`` is the run's training key; the step number is folded in here, inside the
  compiled step, so every step draws fresh randomness and a resumed run draws the same.
  Metrics: the task's, plus ``loss``, the pre-clip global gradient norm ``grad_norm``, the
  ``learning_rate`` used by this update and, unless ``grad_norm_groups == "none"``, the
  pre-clip norm of each parameter group as ``grad_norm/<group>`` (``"layer"``: the first two
  levels of the param tree; ``"leaf"``: every parameter array).
  """

  def train_step(state: TrainState, batch: Batch, *, key: jax.Array
                 ) -> tuple[TrainState, Metrics]:
    step_key = jax.random.fold_in(key, state.step)

    def loss_fn(params):
      return task.loss(model, params, batch, state.carry, key=step_key, train=True)

    (loss, (metrics, carry)), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.params)
    grad_norm = optax.tree.norm(grads)
    updates, opt_state = tx.update(grads, state.opt_state, state.params)
    params = optax.apply_updates(state.params, updates)
    metrics = dict(metrics, loss=loss, grad_norm=grad_norm,
                   learning_rate=jnp.asarray(schedule(state.step), jnp.float32))
    if grad_norm_groups != "none":
      groups = parameter_group_norms(grads, depth=GROUP_DEPTHS[grad_norm_groups])
      groups.pop("grad_norm/global")  # the same value as grad_norm
      metrics.update(groups)
    new_state = state.replace(step=state.step + 1, params=params, opt_state=opt_state,
                              carry=carry)
    return new_state, metrics

  return train_step


def make_eval_step(task: Task, model: nn.Module
                   ) -> Callable[[Any, Batch, Any], tuple[EvalSums, Any]]:
  """``eval_step(params, batch, carry) -> (sums, carry)`` (not yet jitted)."""

  def eval_step(params: Any, batch: Batch, carry: Any) -> tuple[EvalSums, Any]:
    return task.eval_step(model, params, batch, carry)

  return eval_step
