"""Training: config schema, optimizers, train state, checkpoints, metric files, the loop.

Public entry point: :func:`train_and_evaluate` (what ``python -m rnnlab.main`` calls).
"""
from rnnlab.training.defaults import base_config, default_train_config, SECTIONS
from rnnlab.training.optimizers import (default_optimizer_config, make_optimizer,
                                        make_schedule, OPTIMIZERS, SCHEDULES, CLIPPING)
from rnnlab.training.train_state import TrainState
from rnnlab.training.checkpoints import Checkpointer, CheckpointMismatchError
from rnnlab.training.metric_writers import MetricWriter
from rnnlab.training import run_directory
from rnnlab.training.run_directory import (read_metrics, read_config, restore_params,
                                           RunDirectoryError, DiskFullError, METRICS_FILE,
                                           RESUMABLE_KEYS)
from rnnlab.training.run_lock import RunLock, RunLockedError
from rnnlab.training.sharding import make_mesh, shard_batch
from rnnlab.training.steps import make_train_step, make_eval_step
from rnnlab.training.train_loop import (train_and_evaluate, NonFiniteLossError,
                                        CONFIG_FILE, FINAL_METRICS_FILE)
