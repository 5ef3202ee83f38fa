"""Checkpoints with orbax ``CheckpointManager``: periodic, keep-last-K, keep-best, resume.

Layout: ``<workdir>/checkpoints/<step>/{state,data}``; ``state`` is the
:class:`~rnnlab.training.train_state.TrainState` pytree, ``data`` the data iterator's
JSON state. Orbax writes each checkpoint to a temporary directory and renames it when
complete, so a process killed mid-save leaves no partial step behind. A step that exists
but cannot be read (damaged files) is moved to ``<workdir>/checkpoints_corrupt/`` with a
warning and the previous step is restored instead. A readable step whose arrays have other
shapes than the run being resumed (another model, optimizer or batch size) is refused with
:class:`CheckpointMismatchError` and left where it is.

The best checkpoint's metric is saved with it (orbax ``best_fn``), so keep-best still knows
it after a restart and keeps it until a better one comes.
"""
import errno
import os
import shutil
from typing import Any, Mapping

from absl import logging
import jax
import orbax.checkpoint as ocp
from orbax.checkpoint import checkpoint_managers

from rnnlab.training import run_directory
from rnnlab.training.train_state import TrainState


class CheckpointMismatchError(run_directory.RunDirectoryError):
  """A readable checkpoint whose arrays do not fit the state of the run being resumed."""


def _shapes(tree: Any) -> dict[str, tuple[tuple[int, ...], str]]:
  return {jax.tree_util.keystr(path): (tuple(x.shape), str(x.dtype))
          for path, x in jax.tree_util.tree_flatten_with_path(tree)[0]}


def _check_fits(saved: Any, target: TrainState, step_dir: str) -> None:
  """CheckpointMismatchError if the saved state's arrays differ from ``target``'s."""
  saved_params, wanted_params = _shapes(saved["params"]), _shapes(target.params)
  differences = [f"params{k}: {saved_params.get(k, 'absent')} -> {wanted_params.get(k, 'absent')}"
                 for k in sorted(set(saved_params) | set(wanted_params))
                 if saved_params.get(k) != wanted_params.get(k)]
  if not differences and sorted(_shapes(saved).values()) != sorted(_shapes(target).values()):
    differences = ["the optimizer state or the carried state (optimizer or batch size changed)"]
  if differences:
    shown = "; ".join(differences[:6]) + ("; ..." if len(differences) > 6 else "")
    raise CheckpointMismatchError(
        f"checkpoint {step_dir} does not fit this config ({shown}); it was left in place. "
        "Use a new --workdir for a different model")


class Checkpointer:
  """Saves and restores ``(TrainState, data_state)`` pairs in ``directory``.

  Keeps the ``keep`` most recent checkpoints plus, if ``best_metric`` is set, the one
  saved with the best value of that eval metric (``best_mode`` "min" or "max").
  """

  def __init__(self, directory: str, *, keep: int, best_metric: str = "",
               best_mode: str = "min"):
    self.directory = os.path.abspath(directory)
    policies = [checkpoint_managers.LatestN(keep)]
    best_fn = None
    if best_metric:
      best_fn = lambda metrics: metrics[best_metric]  # noqa: E731
      policies.append(checkpoint_managers.BestN(
          get_metric_fn=best_fn, reverse=(best_mode == "min"), n=1,
          keep_checkpoints_without_metrics=False))
    # best_fn makes orbax write each step's metrics next to it (and read them back on a
    # restart); without it BestN forgets the best step after a resume and deletes it.
    options = ocp.CheckpointManagerOptions(
        preservation_policy=checkpoint_managers.AnyPreservationPolicy(policies),
        best_fn=best_fn, best_mode=best_mode, cleanup_tmp_directories=True)
    self._manager = ocp.CheckpointManager(self.directory, options=options)

  def all_steps(self) -> list[int]:
    return list(self._manager.all_steps())

  def latest_step(self) -> int | None:
    return self._manager.latest_step()

  def save(self, state: TrainState, data_state: Mapping[str, Any], *,
           metrics: Mapping[str, float] | None = None) -> None:
    """Saves asynchronously at ``state.step``; ``metrics`` rank it for keep-best."""
    step = int(jax.device_get(state.step))
    needed = run_directory.state_nbytes(state)
    try:
      free = shutil.disk_usage(self.directory if os.path.isdir(self.directory)
                               else os.path.dirname(self.directory)).free
      if free < needed:
        raise OSError(errno.ENOSPC, "not enough free space for the checkpoint")
      self._manager.save(
          step,
          args=ocp.args.Composite(**{
              run_directory.STATE_ITEM: ocp.args.StandardSave(state),
              run_directory.DATA_ITEM: ocp.args.JsonSave(dict(data_state))}),
          metrics=dict(metrics) if metrics is not None else None)
    except (OSError, ValueError) as error:  # tensorstore reports ENOSPC as a ValueError
      full = run_directory.disk_full_error(error, os.path.join(self.directory, str(step)), needed)
      if full is None:
        raise
      raise full from error

  def restore_latest(self, target: TrainState) -> tuple[TrainState, dict[str, Any]] | None:
    """Restores the newest readable checkpoint into ``target``'s structure and shardings.

    Returns ``(state, data_state)``, or None if there is no checkpoint. An unreadable step
    is moved aside with a warning and the next older one is tried.
    """
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, target)
    for step in sorted(self._manager.all_steps(), reverse=True):
      step_dir = os.path.join(self.directory, str(step))
      try:
        saved = run_directory.state_metadata(os.path.join(step_dir, run_directory.STATE_ITEM))
      except Exception:  # pylint: disable=broad-except
        saved = None  # unreadable metadata: damaged, handled below
      if saved is not None:
        _check_fits(saved, target, step_dir)  # a readable checkpoint of another model: refuse
      try:
        restored = self._manager.restore(step, args=ocp.args.Composite(**{
            run_directory.STATE_ITEM: ocp.args.StandardRestore(abstract),
            run_directory.DATA_ITEM: ocp.args.JsonRestore()}))
        return restored[run_directory.STATE_ITEM], dict(restored[run_directory.DATA_ITEM])
      except Exception as error:  # pylint: disable=broad-except
        # orbax/tensorstore raise many exception types for damaged files.
        corrupt_dir = os.path.join(os.path.dirname(self.directory),
                                   run_directory.CORRUPT_CHECKPOINTS_DIR)
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
    try:
      self._manager.wait_until_finished()
    except (OSError, ValueError) as error:  # an asynchronous save failed
      full = run_directory.disk_full_error(error, self.directory, None)
      if full is None:
        raise
      raise full from error

  def close(self) -> None:
    self._manager.close()
