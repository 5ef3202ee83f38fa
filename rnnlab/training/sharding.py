"""Data parallelism: a 1-D device mesh with axis ``"data"``; batches split along axis 0.

Parameters, optimizer state and the task carry are replicated (``P()``); each batch array
``[B, ...]`` is sharded ``P("data")``, so each of the N local devices holds ``B / N``
examples and XLA inserts the gradient all-reduce. On several hosts (after
``jax.distributed.initialize()``) the mesh spans all devices of all processes and each
process passes only its own ``B / num_processes`` examples to :func:`shard_batch`.
"""
from typing import Any, Sequence

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

DATA_AXIS = "data"


def make_mesh(devices: Sequence[jax.Device] | None = None) -> Mesh:
  """A 1-D mesh over ``devices`` (default: every device of every process)."""
  devices = jax.devices() if devices is None else list(devices)
  return Mesh(np.asarray(devices), (DATA_AXIS,))


def replicated(mesh: Mesh) -> NamedSharding:
  """Sharding that keeps a full copy on every device (parameters, optimizer state)."""
  return NamedSharding(mesh, P())


def batch_sharding(mesh: Mesh) -> NamedSharding:
  """Sharding that splits axis 0 (the batch) over the ``data`` axis."""
  return NamedSharding(mesh, P(DATA_AXIS))


def shard_batch(batch: Any, mesh: Mesh) -> Any:
  """Puts this process's part of a batch (pytree of ``[B_local, ...]`` arrays) on the mesh.

  Returns global ``jax.Array``s of shape ``[B_local * num_processes, ...]`` sharded over
  ``data``. ``B_local`` must be divisible by the number of local devices.
  """
  sharding = batch_sharding(mesh)
  return jax.tree.map(
      lambda x: jax.make_array_from_process_local_data(sharding, np.asarray(x)), batch)


def replicate(tree: Any, mesh: Mesh) -> Any:
  """Places a pytree (parameters, optimizer state, carry) fully on every device."""
  return jax.device_put(tree, replicated(mesh))
