"""Checkpoints with orbax ``CheckpointManager``: periodic, keep-last-K, keep-best, resume.

Layout: ``<workdir>/checkpoints/<step>/{state,data}``; ``state`` is the
:class:`~rnnlab.training.train_state.TrainState` pytree, ``data`` the data iterator's
JSON state. Orbax writes each checkpoint to a temporary directory and renames it when
complete, so a process killed mid-save leaves no partial step behind. A step that exists
but cannot be read (damaged files) is moved to ``<workdir>/checkpoints_corrupt/`` with a
warning and the previous step is restored instead.
"""
import os
import shutil
from typing import Any, Mapping

from absl import logging
import jax
import orbax.checkpoint as ocp
from orbax.checkpoint import checkpoint_managers

from rnnlab.training.train_state import TrainState


class Checkpointer:
  """Saves and restores ``(TrainState, data_state)`` pairs in ``directory``.

  Keeps the ``keep`` most recent checkpoints plus, if ``best_metric`` is set, the one
  saved with the best value of that eval metric (``best_mode`` "min" or "max").
  """

  def __init__(self, directory: str, *, keep: int, best_metric: str = "",
               best_mode: str = "min"):
    self.directory = os.path.abspath(directory)
    policies = [checkpoint_managers.LatestN(keep)]
    if best_metric:
      policies.append(checkpoint_managers.BestN(
          get_metric_fn=lambda metrics: metrics[best_metric],
          reverse=(best_mode == "min"), n=1, keep_checkpoints_without_metrics=False))
    options = ocp.CheckpointManagerOptions(
        preservation_policy=checkpoint_managers.AnyPreservationPolicy(policies),
        cleanup_tmp_directories=True)
    self._manager = ocp.CheckpointManager(self.directory, options=options)

  def all_steps(self) -> list[int]:
    return list(self._manager.all_steps())

  def latest_step(self) -> int | None:
    return self._manager.latest_step()

  def save(self, state: TrainState, data_state: Mapping[str, Any], *,
           metrics: Mapping[str, float] | None = None) -> None:
    """Saves asynchronously at ``state.step``; ``metrics`` rank it for keep-best."""
    step = int(jax.device_get(state.step))
    self._manager.save(
        step,
        args=ocp.args.Composite(state=ocp.args.StandardSave(state),
                                data=ocp.args.JsonSave(dict(data_state))),
        metrics=dict(metrics) if metrics is not None else None)

  def restore_latest(self, target: TrainState) -> tuple[TrainState, dict[str, Any]] | None:
    """Restores the newest readable checkpoint into ``target``'s structure and shardings.

    Returns ``(state, data_state)``, or None if there is no checkpoint. An unreadable step
    is moved aside with a warning and the next older one is tried.
    """
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, target)
    for step in sorted(self._manager.all_steps(), reverse=True):
      try:
        restored = self._manager.restore(step, args=ocp.args.Composite(
            state=ocp.args.StandardRestore(abstract), data=ocp.args.JsonRestore()))
        return restored.state, dict(restored.data)
      except Exception as error:  # pylint: disable=broad-except
        # orbax/tensorstore raise many exception types for damaged files.
        corrupt_dir = os.path.join(os.path.dirname(self.directory), "checkpoints_corrupt")
        logging.warning("checkpoint at step %d in %s cannot be restored (%s: %s); moving it "
                        "to %s and falling back to the previous checkpoint", step,
                        self.directory, type(error).__name__, str(error)[:300], corrupt_dir)
        os.makedirs(corrupt_dir, exist_ok=True)
        destination = os.path.join(corrupt_dir, str(step))
        suffix = 1
        while os.path.exists(destination):
          destination = os.path.join(corrupt_dir, f"{step}.{suffix}")
          suffix += 1
        shutil.move(os.path.join(self.directory, str(step)), destination)
        self._manager.reload()
    return None

  def wait_until_finished(self) -> None:
    self._manager.wait_until_finished()

  def close(self) -> None:
    self._manager.close()
