"""Which examples make up training batch number ``position``: shuffled epochs, resumable.

:func:`batch_indices`: each epoch is a fresh permutation of the ``N`` examples, a pure
function of ``(seed, epoch)``, cut into global batches of ``batch_size * shard_count`` (the
remainder of an epoch is dropped); shard ``i`` takes its ``batch_size`` rows of each. The
position alone (the number of batches already drawn) is the iterator state, so a resumed
run sees exactly the batches it would have seen.

:func:`bucketed_batches`: batches drawn within buckets (of similar lengths), every example
once per epoch, a bucket's last batch possibly short (the whole-sentence LM and speech
batchers); the order is again a pure function of ``(seed, epoch)``.
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


def num_bucketed_batches(bucket_of: np.ndarray, batch_size: int) -> int:
  """How many batches :func:`bucketed_batches` makes of the buckets ``bucket_of [N]``."""
  return sum(-(-int(np.sum(bucket_of == b)) // batch_size) for b in np.unique(bucket_of))


def bucketed_batches(bucket_of: np.ndarray, batch_size: int, *, seed: int, epoch: int,
                     shuffle: bool = True) -> list[np.ndarray]:
  """The example indices of each batch of ``epoch``, in order.

  ``bucket_of [N]`` (ints) is each example's bucket. Bucket by bucket (increasing), its
  members are shuffled (``shuffle``) and cut into batches of ``batch_size`` (the last one
  may be short); then the batches of all buckets are shuffled. With ``shuffle=False`` the
  batches hold the examples in their order, bucket by bucket.
  """
  rng = np.random.default_rng([seed, epoch])
  batches = []
  for bucket in np.unique(bucket_of):
    members = np.flatnonzero(bucket_of == bucket)
    if shuffle:
      members = rng.permutation(members)
    starts = range(0, members.shape[0], batch_size)
    batches += [members[i:i + batch_size] for i in starts]
  if shuffle:
    batches = [batches[i] for i in rng.permutation(len(batches))]
  return batches
