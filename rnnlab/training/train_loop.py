"""``train_and_evaluate(config, workdir)``: the one training loop every task runs through.

Reading order: validate the config -> lock the run directory and compare the config with
the one it was trained with (``run_directory.check_resume_compatible``) -> build task, model,
optimizer, data -> restore the latest checkpoint if the workdir has one -> write
``config.json`` -> loop: next batch, jitted train step, (every
``log_every``) metrics to the files and a progress line, (every ``eval_every``) eval,
(every ``checkpoint_every``, at each new best eval and at the end) a checkpoint -> the
task's final report.

Robustness: SIGTERM or a Ctrl-C (SIGINT; a second one stops at once) makes the loop save a
checkpoint at the current step and return (status ``preempted``); a
non-finite loss raises :class:`NonFiniteLossError` naming the first bad step, before any
checkpoint of the diverged parameters is written. A refused or failed start leaves the
run directory as it was (a directory it had to create is removed again, with what the failed
start wrote in it, as long as no config.json was written); a
full disk ends in :class:`~rnnlab.training.run_directory.DiskFullError` naming the file, and
the same command resumes once space is freed.
"""
import contextlib
import json
import math
import os
import shutil
import signal
import time
from typing import Any, Sequence

from absl import logging
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab import config_validation
from rnnlab.tasks import registry
from rnnlab.training import checkpoints
from rnnlab.training import log_filters
from rnnlab.training import metric_writers
from rnnlab.training import optimizers
from rnnlab.training import progress as progress_lib
from rnnlab.training import run_directory
from rnnlab.training import run_lock
from rnnlab.training import sharding
from rnnlab.training import steps
from rnnlab.training.train_state import TrainState

CONFIG_FILE = run_directory.CONFIG_FILE
FINAL_METRICS_FILE = run_directory.FINAL_METRICS_FILE  # written only when a run completes


class NonFiniteLossError(FloatingPointError):
  """The training loss or the gradient norm became NaN or Inf."""


class _SigtermFlag:
  """Records SIGTERM or a first SIGINT (Ctrl-C) instead of dying, while installed (main thread
  only): the loop saves a checkpoint at the current step and stops. A second Ctrl-C raises
  KeyboardInterrupt at once (the checkpoints already saved are kept)."""

  def __init__(self):
    self.received = False
    self.name = ""
    self._previous = {}

  def __enter__(self):
    for signum in (signal.SIGTERM, signal.SIGINT):
      if signum == signal.SIGINT and signal.getsignal(signum) is signal.SIG_IGN:
        continue  # a background job (`cmd &`, nohup) ignores Ctrl-C; so does the loop
      try:
        self._previous[signum] = signal.signal(signum, self._handle)
      except ValueError:  # not the main thread (e.g. inside a Ray worker thread)
        pass
    return self

  def _handle(self, signum, frame):
    del frame
    if signum == signal.SIGINT and self.received:
      raise KeyboardInterrupt
    self.received = True
    self.name = "Ctrl-C (SIGINT)" if signum == signal.SIGINT else "SIGTERM"
    if signum == signal.SIGINT:
      logging.warning("Ctrl-C: saving a checkpoint after this step, then stopping "
                      "(Ctrl-C again to stop at once)")

  def __exit__(self, *exc):
    for signum, previous in self._previous.items():
      signal.signal(signum, previous)


@contextlib.contextmanager
def _finished_on_error(ckpt: checkpoints.Checkpointer, writer: metric_writers.MetricWriter):
  """On an error, lets the checkpoints already saved (asynchronously) commit before it
  propagates, so the same command resumes from them."""
  try:
    yield
  except BaseException:
    for close in (ckpt.close, writer.close):
      try:
        close()
      except Exception as error:  # pylint: disable=broad-except
        logging.warning("while stopping: %s: %s", type(error).__name__, error)
    raise


def _evaluate(task, config, eval_step, params, mesh, batch_size: int) -> dict[str, float]:
  """Averages ``task.eval_step`` sums over the whole validation set."""
  local_batch_size = batch_size // jax.process_count()
  carry = sharding.replicate(task.initial_carry(config, batch_size=batch_size), mesh)
  totals = None
  for batch in task.eval_batches(config, batch_size=local_batch_size):
    sums, carry = eval_step(params, sharding.shard_batch(batch, mesh), carry)
    totals = sums if totals is None else jax.tree.map(lambda a, b: a + b, totals, sums)
  if totals is None:
    raise ValueError(f"task {task.name!r} yielded no eval batches")
  totals = jax.device_get(totals)
  averages = {name: float(total) / float(count) for name, (total, count) in totals.items()}
  metrics = task.finalize_eval_metrics(averages)
  declared = task.eval_metric_names(config)
  if set(metrics) != set(declared):
    raise RuntimeError(f"task {task.name!r} declares the eval metrics {sorted(declared)} "
                       f"(eval_metric_names) but its evaluation gave {sorted(metrics)}")
  return metrics


def train_and_evaluate(config: ml_collections.ConfigDict, workdir: str, *,
                       allow_config_change: Sequence[str] = ()) -> dict[str, Any]:
  """Trains ``config.task`` for ``config.train.num_steps`` steps, resuming from ``workdir``.

  Args:
    config: a full config (see ``rnnlab.training.base_config``); validated first.
    workdir: the run directory; holds ``config.json``, ``metrics.jsonl``, ``tensorboard/``,
      ``checkpoints/`` and, once finished, ``final_metrics.json``.
    allow_config_change: dotted config keys (or whole sections) that may differ from the
      run directory's ``config.json`` when resuming, besides ``run_directory.RESUMABLE_KEYS``.

  Returns:
    ``{"status": "completed" | "preempted", "step": int, "eval": {...}, "final": {...}}``.

  Raises:
    ValueError: invalid config; ``run_directory.RunDirectoryError`` (a ValueError): a workdir
      that is a file or not writable, in use by another run (``RunLockedError``), trained
      with another config or task, or holding checkpoints of another model.
    NonFiniteLossError: the loss became NaN/Inf (the last good checkpoint is kept).
    run_directory.DiskFullError: no space left for a run file (resume once space is freed).
  """
  log_filters.quiet_library_info_logs()
  try:  # the one place a run's config is validated (main, demo and sweeps come through here)
    config_validation.validate_config(config)
  except ValueError as error:
    raise ValueError(f"invalid config: {error}") from error
  allow_config_change = run_directory.parse_allowed_changes(allow_config_change)
  run_directory.check_location(workdir)
  primary = jax.process_index() == 0
  created = primary and not os.path.exists(workdir)
  lock = run_lock.RunLock(workdir).acquire() if primary else None
  failed = True
  try:
    result = _train_and_evaluate(config, workdir, allow_config_change)
    failed = False
    return result
  finally:
    if lock is not None:
      lock.release()
      if created and not os.listdir(workdir):
        os.rmdir(workdir)  # a start refused before anything was written leaves nothing
      elif created and failed and not os.path.exists(run_directory.config_path(workdir)):
        # A first start that failed before config.json (e.g. the model refused after the
        # tokenizers were saved) leaves nothing that a corrected command would trip over.
        shutil.rmtree(workdir, ignore_errors=True)


def _train_and_evaluate(config: ml_collections.ConfigDict, workdir: str,
                        allow_config_change: Sequence[str]) -> dict[str, Any]:
  """The body of :func:`train_and_evaluate`, run while holding the workdir's lock."""
  task = registry.get_task(config.task)
  tc = config.train
  if jax.process_index() == 0:
    changes = run_directory.check_resume_compatible(workdir, config, allow_config_change)
    if changes:
      logging.info("resuming %s with changed config: %s", workdir,
                   "; ".join(f"{k}: {old!r} -> {new!r}" for k, old, new in changes))
    task.prepare_workdir(config, workdir)  # may refuse the workdir before anything is written

  mesh = sharding.make_mesh()
  model = task.build_model(config)
  tx, schedule = optimizers.make_optimizer(
      config.optimizer, num_steps=tc.num_steps, steps_per_epoch=task.steps_per_epoch(config))
  local_batch_size = tc.batch_size // jax.process_count()
  train_iter = task.train_iterator(config, batch_size=local_batch_size,
                                   shard_index=jax.process_index(),
                                   shard_count=jax.process_count())
  init_key, train_key = jax.random.split(jax.random.key(tc.seed))

  # Initial state from the first batch (peeked: the iterator is put back).
  start_position = train_iter.get_state()
  example_batch = next(train_iter)
  train_iter.set_state(start_position)

  def init_state(batch, key) -> TrainState:
    params = task.init_params(model, config, batch, key=key)
    return TrainState(step=jnp.zeros((), jnp.int32), params=params, opt_state=tx.init(params),
                      carry=task.initial_carry(config, batch_size=tc.batch_size))

  # One compiled program instead of many eager ops; the result is replicated on the mesh.
  state = jax.jit(init_state, out_shardings=sharding.replicated(mesh))(example_batch, init_key)

  ckpt = checkpoints.Checkpointer(
      run_directory.checkpoints_dir(workdir), keep=tc.keep_checkpoints,
      best_metric=tc.best_metric, best_mode=tc.best_mode)
  try:
    restored = ckpt.restore_latest(state)  # refuses checkpoints of another model
  except BaseException:
    ckpt.close()
    raise
  if restored is not None:
    state, data_state = restored
    train_iter.set_state(data_state)
    logging.info("resumed from step %d in %s", int(state.step), ckpt.directory)
  if jax.process_index() == 0:  # the run is known to be compatible: record its config
    run_directory.write_config(workdir, config)
  start_step = int(jax.device_get(state.step))
  writer = metric_writers.MetricWriter(workdir, resume_step=start_step,
                                       enabled=jax.process_index() == 0)
  best = (run_directory.best_value(workdir, tc.best_metric, tc.best_mode)
          if tc.best_metric else None)

  train_step = jax.jit(steps.make_train_step(task, model, tx, schedule, tc.grad_norm_groups),
                       donate_argnums=0)
  eval_step = jax.jit(steps.make_eval_step(task, model))
  eval_batch_size = tc.eval_batch_size or tc.batch_size
  progress = progress_lib.Progress(start_step, tc.num_steps)
  pending: list[tuple[int, Any]] = []  # (step, device metrics) not yet written
  eval_metrics: dict[str, float] = {}

  def flush(step: int) -> None:
    """Writes pending per-step metrics; stops on a non-finite loss; logs progress."""
    host = jax.device_get([m for _, m in pending])
    for (s, _), metrics in zip(pending, host):
      loss, grad_norm = float(metrics["loss"]), float(metrics["grad_norm"])
      if not (math.isfinite(loss) and math.isfinite(grad_norm)):
        writer.write(s, "train", metrics)
        writer.flush()
        ckpt.wait_until_finished()
        latest = ckpt.latest_step()
        kept = (f"The last good checkpoint (step {latest}) is kept in {ckpt.directory}"
                if latest is not None else "No checkpoint had been saved yet")
        clip = config.optimizer.clip
        advice = ("lower the learning rate or clip gradients (config.optimizer.clip)"
                  if clip == "none" else
                  f"gradients are already clipped (config.optimizer.clip={clip!r}), so lower the "
                  "learning rate or change the initialisation: a loss that overflows in the "
                  "forward pass is not bounded by clipping")
        raise NonFiniteLossError(
            f"training loss is {loss} (gradient norm {grad_norm}) at step {s}; stopping. "
            f"{kept}; {advice}, and rerun.")
    log_line = step % tc.log_every == 0 or step == tc.num_steps
    rate = progress.steps_per_sec(step) if log_line else None
    for (s, _), metrics in zip(pending, host):
      if s == step and rate is not None:
        metrics = dict(metrics, steps_per_sec=rate)
      writer.write(s, "train", metrics)
    writer.flush()
    if host and log_line:
      # Per-group norms (``grad_norm/<group>``) go to the files and plots, not the progress line.
      window = {name: float(np.mean([m[name] for m in host])) for name in host[-1]
                if "/" not in name}
      window["grad_norm_max"] = float(np.max([m["grad_norm"] for m in host]))
      logging.info(progress.line(step, rate, window))
    pending.clear()

  status = "completed"
  with _SigtermFlag() as sigterm, _finished_on_error(ckpt, writer):
    step = start_step
    while step < tc.num_steps:
      batch = sharding.shard_batch(next(train_iter), mesh)
      if step == start_step:
        logging.info("compiling the train step (the first step includes XLA compilation) ...")
        compile_start = time.perf_counter()
      state, metrics = train_step(state, batch, key=train_key)
      step += 1
      if step == start_step + 1:
        jax.block_until_ready(metrics)
        logging.info("first step done in %.1f s (compilation included); training",
                     time.perf_counter() - compile_start)
        progress.restart(step)  # steps/s and ETA exclude the compile
      pending.append((step, metrics))
      last = step == tc.num_steps
      # Read the flag once per step: a SIGTERM arriving later in this step (while metrics are
      # written or the eval runs) must not stop the loop before a checkpoint of it is saved.
      stop = sigterm.received
      do_eval = step % tc.eval_every == 0 or last
      do_checkpoint = step % tc.checkpoint_every == 0 or last or stop
      if step % tc.log_every == 0 or do_eval or do_checkpoint:
        flush(step)  # before eval/checkpoint: never save parameters of a diverged step
      checkpoint_metrics = None
      if do_eval:
        eval_metrics = _evaluate(task, config, eval_step, state.params, mesh, eval_batch_size)
        writer.write(step, "eval", eval_metrics)
        writer.flush()
        logging.info("eval at step %d: %s", step,
                     " ".join(f"{k} {v:.6g}" for k, v in eval_metrics.items()))
        if tc.best_metric:
          if tc.best_metric not in eval_metrics:
            raise ValueError(f"config.train.best_metric={tc.best_metric!r} is not an eval "
                             f"metric of task {task.name!r}; available: "
                             f"{sorted(eval_metrics)}")
          value = eval_metrics[tc.best_metric]
          improved = best is None or (value < best if tc.best_mode == "min" else value > best)
          if improved:
            best = value
            do_checkpoint = True
          checkpoint_metrics = {tc.best_metric: value}
      if do_checkpoint:
        ckpt.save(state, train_iter.get_state(), metrics=checkpoint_metrics)
      if stop and not last:
        logging.warning("%s received: saved a checkpoint at step %d in %s and stopping; "
                        "run the same command again to resume", sigterm.name, step,
                        ckpt.directory)
        status = "preempted"
        break
  ckpt.wait_until_finished()
  final_path = run_directory.final_metrics_path(workdir)
  if status == "completed" and start_step == tc.num_steps and os.path.exists(final_path):
    logging.info("%s has already finished (%s)", workdir, final_path)
    writer.close()
    ckpt.close()
    with open(final_path) as f:
      return json.load(f)
  if status == "completed" and not eval_metrics:  # resumed at the last step
    eval_metrics = _evaluate(task, config, eval_step, state.params, mesh, eval_batch_size)

  result = {"status": status, "step": step, "eval": eval_metrics, "final": {}}
  if status == "completed":
    logging.info("final report of task %r (test split, baselines, plots) ...", task.name)
    final = task.final_report(config, model, state.params, workdir)
    if final:
      writer.write(step, "final", final)
    result["final"] = final
    if jax.process_index() == 0:
      run_directory.write_json(final_path, result)
  writer.close()
  ckpt.close()
  return result
