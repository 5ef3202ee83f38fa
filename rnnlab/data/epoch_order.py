"""Which examples make up training batch number ``position``: shuffled epochs, resumable.

Each epoch is a fresh permutation of the ``N`` examples, a pure function of ``(seed,
epoch)``, cut into global batches of ``batch_size * shard_count`` (the remainder of an epoch
is dropped); shard ``i`` takes its ``batch_size`` rows of each. The position alone (the
number of batches already drawn) is the iterator state, so a resumed run sees exactly the
batches it would have seen.
"""
import numpy as np


def batch_indices(position: int, num_examples: int, *, batch_size: int, seed: int,
                  shard_index: int = 0, shard_count: int = 1) -> np.ndarray:
  """int ``[batch_size]`` example indices of training batch ``position`` on this shard.

  Raises ValueError if one global batch needs more examples than there are.
  """
  global_batch = batch_size * shard_count
  steps_per_epoch = num_examples // global_batch
  if steps_per_epoch < 1:
    raise ValueError(f"global batch {global_batch} exceeds the {num_examples} training examples")
  epoch, step = divmod(position, steps_per_epoch)
  order = np.random.default_rng(np.random.SeedSequence([seed, epoch])).permutation(num_examples)
  start = step * global_batch + shard_index * batch_size
  return order[start:start + batch_size]
