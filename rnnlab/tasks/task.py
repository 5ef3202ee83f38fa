"""The task interface: what a task supplies so the generic train loop can run it.

See the package docstring (``rnnlab/tasks/__init__.py``) for the guide to writing a task.
"""
import abc
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

import flax.linen as nn
import jax
import ml_collections
import numpy as np

Batch = Mapping[str, np.ndarray]  # every array has the batch axis first: [B, ...]
Carry = Any  # a pytree of arrays (or None) that the task threads from batch to batch
Metrics = dict[str, jax.Array]  # scalar metrics
EvalSums = dict[str, tuple[jax.Array, jax.Array]]  # name -> (total, count)


class DataIterator(Protocol):
  """An infinite iterator of training batches whose position can be saved and restored.

  Same methods as grain's ``DatasetIterator``: ``get_state`` returns a small
  JSON-serializable dict, ``set_state`` puts a fresh iterator at that position, after
  which it yields exactly the batches the saved one would have yielded.
  """

  def __iter__(self) -> Iterator[Batch]:
    ...

  def __next__(self) -> Batch:
    ...

  def get_state(self) -> dict[str, Any]:
    ...

  def set_state(self, state: Mapping[str, Any]) -> None:
    ...


class IndexedBatchIterator:
  """A :class:`DataIterator` over a deterministic function ``position -> batch``.

  The state is the integer position (the number of batches already returned). Suits any
  source with random access: synthetic tasks (the batch is generated from
  ``seed`` and ``position``), TFDS ``data_source`` reads, streams cut into fixed windows.
  """

  def __init__(self, batch_fn: Callable[[int], Batch], position: int = 0):
    self._batch_fn = batch_fn
    self._position = position

  def __iter__(self) -> "IndexedBatchIterator":
    return self

  def __next__(self) -> Batch:
    batch = self._batch_fn(self._position)
    self._position += 1
    return batch

  def get_state(self) -> dict[str, Any]:
    return {"position": self._position}

  def set_state(self, state: Mapping[str, Any]) -> None:
    self._position = int(state["position"])


class Task(abc.ABC):
  """Base class of a task. Subclass it, set ``name`` and implement the abstract methods.

  All methods receive the full, validated config; a task reads only ``config.data``,
  ``config.model`` and whatever in ``config.train`` it needs (``batch_size``, ``seed``).
  Methods that run inside ``jax.jit`` (``loss``, ``eval_step``, ``initial_carry``) must
  be pure functions of their array arguments.
  """

  name: str = ""

  # ---- configuration --------------------------------------------------------------

  @abc.abstractmethod
  def default_config(self) -> ml_collections.ConfigDict:
    """Returns the task's ``data`` and ``model`` sections with every key and its default.

    A ConfigDict with exactly the fields ``data`` and ``model``; these are the only keys
    the task accepts in those sections (validation rejects any other).
    """

  def config_choices(self) -> Mapping[str, Sequence[Any]]:
    """Keys with a closed set of values: dotted path -> allowed values.

    e.g. ``{"model.cell": ("lstm", "gru", "elman", "irnn")}``; validation rejects any other
    value with a message listing these.
    """
    return {}

  def validate_config(self, config: ml_collections.ConfigDict) -> None:
    """Raises ValueError naming the key for an invalid value (ranges, consistency)."""

  def prepare_workdir(self, config: ml_collections.ConfigDict, workdir: str) -> None:
    """Called once (process 0) before the run writes anything in ``workdir``.

    A task writes what later tools need there (a language model's ``vocab.json``) and
    raises ValueError to refuse a workdir made by an incompatible run; then nothing in
    it has been overwritten.
    """
    del config, workdir

  # ---- data -----------------------------------------------------------------------

  @abc.abstractmethod
  def train_iterator(self, config: ml_collections.ConfigDict, *, batch_size: int,
                     shard_index: int = 0, shard_count: int = 1) -> DataIterator:
    """The training stream: an infinite, checkpointable iterator of batches.

    Args:
      config: the run config.
      batch_size: the number of examples per batch on this process
        (``train.batch_size / shard_count``).
      shard_index, shard_count: this process's share of the data (multi-host); a single
        process has 0 and 1.
    """

  @abc.abstractmethod
  def eval_batches(self, config: ml_collections.ConfigDict, *, batch_size: int
                   ) -> Iterable[Batch]:
    """The validation set as a finite, deterministic iterable of batches of ``batch_size``."""

  def steps_per_epoch(self, config: ml_collections.ConfigDict) -> int:
    """Training steps in one pass over the training data; 0 when there is no epoch."""
    del config
    return 0

  # ---- model ----------------------------------------------------------------------

  @abc.abstractmethod
  def build_model(self, config: ml_collections.ConfigDict) -> nn.Module:
    """The Flax Linen module, built from ``config.model``."""

  @abc.abstractmethod
  def init_params(self, model: nn.Module, config: ml_collections.ConfigDict, batch: Batch,
                  *, key: jax.Array) -> Any:
    """Initial parameters (the ``params`` collection) given one example batch."""

  def initial_carry(self, config: ml_collections.ConfigDict, *, batch_size: int) -> Carry:
    """State carried from one batch to the next (TBPTT recurrent state); None if none.

    The carry lives in the train state, is checkpointed with it and is passed to
    ``loss``/``eval_step``, which return the next one. Evaluation starts from a fresh
    ``initial_carry``.
    """
    del config, batch_size
    return None

  # ---- objective and metrics ------------------------------------------------------

  @abc.abstractmethod
  def loss(self, model: nn.Module, params: Any, batch: Batch, carry: Carry, *,
           key: jax.Array, train: bool) -> tuple[jax.Array, tuple[Metrics, Carry]]:
    """Training objective of one batch.

    Args:
      model, params: the module and its parameters (differentiated).
      batch: one batch; arrays ``[B, ...]``.
      carry: the carry returned for the previous batch (``initial_carry`` at step 0).
      key: a PRNG key for this step (dropout, sampling); already unique per step.
      train: True in training (dropout on).

    Returns:
      ``(loss, (metrics, new_carry))``: the scalar loss being minimized (nats), scalar
      metrics to log, and the carry for the next batch (``jax.lax.stop_gradient`` it for
      truncated BPTT).
    """

  @abc.abstractmethod
  def eval_step(self, model: nn.Module, params: Any, batch: Batch, carry: Carry
                ) -> tuple[EvalSums, Carry]:
    """Metrics of one eval batch as ``name -> (total, count)``, and the next carry.

    The loop sums totals and counts over the eval set and reports ``total / count``, so
    a metric can be averaged per example, per token or per frame as the task needs.
    """

  @abc.abstractmethod
  def eval_metric_names(self, config: ml_collections.ConfigDict) -> tuple[str, ...]:
    """The names of the metrics evaluation reports (after ``finalize_eval_metrics``).

    Validation checks ``train.best_metric`` against them before anything runs, and the
    loop checks that evaluation gives exactly these.
    """

  def finalize_eval_metrics(self, metrics: Mapping[str, float]) -> dict[str, float]:
    """Derived metrics from the averaged eval metrics (e.g. perplexity = exp(loss))."""
    return dict(metrics)

  def final_report(self, config: ml_collections.ConfigDict, model: nn.Module, params: Any,
                   workdir: str) -> dict[str, float]:
    """Extra evaluation or reporting at the end of training (test split, samples, ...).

    May write files into ``workdir``. Returns metrics for ``final_metrics.json``
    (logged under the split ``final``).
    """
    del config, model, params, workdir
    return {}
