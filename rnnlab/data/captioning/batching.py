"""Batches of (image, caption) for teacher forcing, and of images for evaluation.

Training pairs every image with each of its captions; an epoch visits every pair once in
an order drawn from ``(seed, epoch)``, so batch ``position`` is a pure function of the
position (resumable: the iterator state is the position). A batch:

* ``image`` uint8 ``[B, S, S, 3]``;
* ``target_input`` int32 ``[B, L]`` (BOS + caption), ``target_output`` ``[B, L]`` (caption +
  EOS), ``target_mask`` float32 ``[B, L]`` (1 at real tokens incl. EOS), with ``L =
  max_length`` (captions longer than ``max_length - 1`` tokens are cut);
* ``weight`` float32 ``[B]`` (0 for padding rows of the last evaluation batch);
* ``index`` int32 ``[B]`` (image index, -1 for padding rows).
"""
import numpy as np

from rnnlab.data.captioning import caption_sets
from rnnlab.data.translation.tokenizers import BOS_ID, EOS_ID, PAD_ID

TOKENIZER_FILE = "caption_tokenizer.json"  # the word tokenizer of a captioning run directory


def encode_captions(caption_set: caption_sets.CaptionSet, tokenizer) -> list[list[list[int]]]:
  """Token ids of every caption of every image (no BOS/EOS)."""
  return [[tokenizer.encode(c) for c in caps] for caps in caption_set.captions]


def _targets(token_lists: list[list[int]], max_length: int) -> dict[str, np.ndarray]:
  b = len(token_lists)
  target_input = np.full((b, max_length), PAD_ID, np.int32)
  target_output = np.full((b, max_length), PAD_ID, np.int32)
  target_mask = np.zeros((b, max_length), np.float32)
  for row, ids in enumerate(token_lists):
    ids = list(ids)[:max_length - 1]
    target_input[row, :len(ids) + 1] = [BOS_ID] + ids
    target_output[row, :len(ids) + 1] = ids + [EOS_ID]
    target_mask[row, :len(ids) + 1] = 1.0
  return {"target_input": target_input, "target_output": target_output,
          "target_mask": target_mask}


class TrainingBatches:
  """``batches(position) -> batch`` over every (image, caption) pair; see the module docstring."""

  def __init__(self, images: np.ndarray, encoded: list[list[list[int]]], batch_size: int,
               max_length: int, seed: int):
    if batch_size < 1 or max_length < 2:
      raise ValueError(f"batch_size={batch_size}, max_length={max_length}; allowed: >= 1, >= 2")
    self.images, self.encoded = images, encoded
    self.pairs = np.array([(i, k) for i, caps in enumerate(encoded) for k in range(len(caps))],
                          np.int64)
    if len(self.pairs) < batch_size:
      raise ValueError(f"{len(self.pairs)} training captions for batch_size={batch_size}")
    self.batch_size, self.max_length, self.seed = batch_size, max_length, seed
    self.batches_per_epoch = len(self.pairs) // batch_size

  def __call__(self, position: int) -> dict[str, np.ndarray]:
    epoch, within = divmod(position, self.batches_per_epoch)
    order = np.random.default_rng([self.seed, epoch]).permutation(len(self.pairs))
    rows = self.pairs[order[within * self.batch_size:(within + 1) * self.batch_size]]
    batch = _targets([self.encoded[i][k] for i, k in rows], self.max_length)
    batch.update(image=self.images[rows[:, 0]], weight=np.ones(len(rows), np.float32),
                 index=rows[:, 0].astype(np.int32))
    return batch


def evaluation_batches(images: np.ndarray, encoded: list[list[list[int]]], batch_size: int,
                       max_length: int):
  """Every image once, with its first caption as the teacher-forced target (in order)."""
  n = len(encoded)
  for start in range(0, n, batch_size):
    rows = np.arange(start, min(start + batch_size, n))
    pad = batch_size - len(rows)
    batch = _targets([encoded[i][0] for i in rows] + [[]] * pad, max_length)
    batch["image"] = np.concatenate([images[rows], np.zeros((pad,) + images.shape[1:], np.uint8)])
    batch["weight"] = np.concatenate([np.ones(len(rows)), np.zeros(pad)]).astype(np.float32)
    batch["index"] = np.concatenate([rows, -np.ones(pad, np.int64)]).astype(np.int32)
    batch["target_mask"] *= batch["weight"][:, None]
    yield batch
