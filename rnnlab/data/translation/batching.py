"""Token-id pairs -> padded, length-bucketed batches (numpy), stateless in the step.

A training batch is a pure function of ``(seed, step)``: epoch ``e`` shuffles the examples with
``seed + e``, groups them by length bucket, cuts each bucket into full batches and shuffles the
batch order. Resuming at step ``k`` therefore sees exactly the batches an uninterrupted run sees,
with no iterator state to checkpoint. Batches are padded to their bucket's length, so a jitted
step compiles once per bucket.

Batch layout (``PAD = 0``):

  source         int32 [B, S]   source ids, right-padded
  source_length  int32 [B]
  target_input   int32 [B, T]   BOS y_1 ... y_n   (teacher forcing input)
  target_output  int32 [B, T]   y_1 ... y_n EOS
  target_mask    float32 [B, T] 1.0 on the n + 1 real target positions
  weight         float32 [B]    1.0 for real examples, 0.0 for rows that only fill a batch
  index          int32 [B]      position of the example in its split (-1 for filler rows)
"""
import dataclasses

import numpy as np

from rnnlab.data.translation.tokenizers import BOS_ID, EOS_ID, PAD_ID

Batch = dict[str, np.ndarray]


@dataclasses.dataclass(frozen=True)
class EncodedPairs:
  """Source and target id sequences of one split (no BOS/EOS), and their split indices."""
  sources: tuple[np.ndarray, ...]
  targets: tuple[np.ndarray, ...]
  indices: np.ndarray

  def __len__(self) -> int:
    return len(self.sources)


def encode_pairs(pairs, source_tokenizer, target_tokenizer, max_source_length: int,
                 max_target_length: int, drop_too_long: bool = True) -> EncodedPairs:
  """Tokenizes ``pairs``; pairs longer than the limits are dropped (or raise).

  ``max_target_length`` counts the EOS token. Empty sources are always dropped from training
  data (they cannot be attended to).
  """
  sources, targets, indices = [], [], []
  for i, (src, tgt) in enumerate(pairs):
    s = np.asarray(source_tokenizer.encode(src), np.int32)
    t = np.asarray(target_tokenizer.encode(tgt), np.int32)
    too_long = len(s) > max_source_length or len(t) + 1 > max_target_length
    if too_long and not drop_too_long:
      raise ValueError(f"pair {i} has {len(s)} source / {len(t) + 1} target tokens; limits are "
                       f"{max_source_length} / {max_target_length}")
    if too_long or len(s) == 0:
      continue
    sources.append(s)
    targets.append(t)
    indices.append(i)
  return EncodedPairs(tuple(sources), tuple(targets), np.asarray(indices, np.int32))


def bucket_of(length: int, boundaries: tuple[int, ...]) -> int:
  """Index of the first boundary >= ``length``."""
  for b, edge in enumerate(boundaries):
    if length <= edge:
      return b
  raise ValueError(f"length {length} exceeds the largest bucket boundary {boundaries[-1]}")


def make_batch(data: EncodedPairs, rows: np.ndarray, source_width: int,
               target_width: int, batch_size: int | None = None) -> Batch:
  """Pads the examples ``rows`` into one batch; ``batch_size`` adds filler rows (weight 0)."""
  rows = np.asarray(rows, np.int64)
  batch_size = batch_size or len(rows)
  if len(rows) > batch_size or len(rows) == 0:
    raise ValueError(f"cannot put {len(rows)} examples into a batch of {batch_size}")
  batch = {
      "source": np.full((batch_size, source_width), PAD_ID, np.int32),
      "source_length": np.zeros((batch_size,), np.int32),
      "target_input": np.full((batch_size, target_width), PAD_ID, np.int32),
      "target_output": np.full((batch_size, target_width), PAD_ID, np.int32),
      "target_mask": np.zeros((batch_size, target_width), np.float32),
      "weight": np.zeros((batch_size,), np.float32),
      "index": np.full((batch_size,), -1, np.int32),
  }
  for b in range(batch_size):
    r = rows[b] if b < len(rows) else rows[0]  # filler rows repeat a real one (weight 0)
    s, t = data.sources[r], data.targets[r]
    if len(s) > source_width or len(t) + 1 > target_width:
      raise ValueError(f"example {r} ({len(s)}, {len(t) + 1} tokens) does not fit "
                       f"({source_width}, {target_width})")
    batch["source"][b, :len(s)] = s
    batch["source_length"][b] = len(s)
    batch["target_input"][b, 0] = BOS_ID
    batch["target_input"][b, 1:len(t) + 1] = t
    batch["target_output"][b, :len(t)] = t
    batch["target_output"][b, len(t)] = EOS_ID
    batch["target_mask"][b, :len(t) + 1] = 1.0
    if b < len(rows):
      batch["weight"][b] = 1.0
      batch["index"][b] = data.indices[r]
  return batch


class BucketedBatches:
  """Training batches as a pure function of the step (see module docstring)."""

  def __init__(self, data: EncodedPairs, batch_size: int, boundaries: tuple[int, ...],
               seed: int):
    if batch_size < 1:
      raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if list(boundaries) != sorted(boundaries) or not boundaries:
      raise ValueError(f"bucket boundaries must be increasing, got {boundaries}")
    self.data, self.batch_size, self.boundaries, self.seed = data, batch_size, boundaries, seed
    self._bucket = np.array([
        bucket_of(max(len(s), len(t) + 1), boundaries)
        for s, t in zip(data.sources, data.targets)], np.int64)
    sizes = np.bincount(self._bucket, minlength=len(boundaries))
    self.batches_per_epoch = int(np.sum(sizes // batch_size))
    if self.batches_per_epoch == 0:
      raise ValueError(f"{len(data)} examples make no full batch of {batch_size} in any bucket "
                       f"(bucket sizes {sizes.tolist()})")
    self._epoch_cache = (None, None)

  def _epoch(self, epoch: int) -> list[tuple[int, np.ndarray]]:
    if self._epoch_cache[0] == epoch:
      return self._epoch_cache[1]
    rng = np.random.default_rng([self.seed, epoch])
    order = rng.permutation(len(self.data))
    batches = []
    for b in range(len(self.boundaries)):
      members = order[self._bucket[order] == b]
      for k in range(len(members) // self.batch_size):
        batches.append((b, members[k * self.batch_size:(k + 1) * self.batch_size]))
    batches = [batches[i] for i in rng.permutation(len(batches))]
    self._epoch_cache = (epoch, batches)
    return batches

  def __call__(self, step: int) -> Batch:
    epoch, k = divmod(int(step), self.batches_per_epoch)
    bucket, rows = self._epoch(epoch)[k]
    width = self.boundaries[bucket]
    return make_batch(self.data, rows, width, width)


def evaluation_batches(data: EncodedPairs, batch_size: int, boundaries: tuple[int, ...]):
  """Every example once, grouped by bucket, in batches of exactly ``batch_size`` (filler rows)."""
  buckets = [bucket_of(max(len(s), len(t) + 1), boundaries)
             for s, t in zip(data.sources, data.targets)]
  for b, width in enumerate(boundaries):
    members = np.array([i for i, k in enumerate(buckets) if k == b], np.int64)
    for start in range(0, len(members), batch_size):
      yield make_batch(data, members[start:start + batch_size], width, width, batch_size)
