"""CTC decoding: greedy (best path) and prefix beam search with optional LM shallow fusion.

Both take per-frame log-probabilities ``[T, V]`` (or ``[B, T, V]`` for greedy) over the
CTC classes, blank included, and return label-id sequences without blanks.

Prefix beam search (Hannun et al., 2014, "First-pass large vocabulary continuous speech
recognition using bi-directional recurrent DNNs"): each prefix keeps two log-probs, of
the frames so far ending in a blank (``p_b``) or in its last label (``p_nb``), summed over
all alignments that collapse to it; at each frame every beam extends by blank, by its
last label (collapsed) and by each other label. A prefix is ranked by

    log(p_b + p_nb) + lm_weight * log P_lm(prefix) + insertion_bonus * len(prefix).

With ``prune_log_prob=-inf`` and a beam at least as wide as the number of labellings
(sum of ``(V-1)^n`` for ``n <= T``), the search is exhaustive: it returns every labelling
with its exact score, ranked (with ``lm_weight = 0`` the scores are the exact CTC
log-probabilities; the tests check them against brute force over all ``V^T`` frame paths
and ``optax.ctc_loss``). A narrower beam is a heuristic: it can prune the prefix of the
best-path (greedy) labelling and return a less probable one (a width-1 case is tested).

Character LM for shallow fusion: any callable ``lm(prefix: tuple[int, ...]) -> [V]``
returning log-probs of the next label id given the prefix (entry ``blank_id`` unused);
``ngram_table_lm`` wraps an n-gram log-prob table.
"""
import collections
from typing import Callable, Sequence

import numpy as np

CharLM = Callable[[tuple[int, ...]], np.ndarray]

_NEG_INF = -np.inf


def collapse_ctc(ids: Sequence[int], blank_id: int = 0) -> list[int]:
  """Merges runs of the same id, then removes blanks: ``a a _ a b b -> a a b``."""
  out, previous = [], None
  for i in ids:
    i = int(i)
    if i != previous and i != blank_id:
      out.append(i)
    previous = i
  return out


def greedy_decode(log_probs, lengths=None, blank_id: int = 0) -> list[list[int]]:
  """Best-path decoding of a batch.

  Args:
    log_probs: ``[B, T, V]`` log-probs or logits (only the argmax matters).
    lengths: valid frames, int ``[B]``; default all ``T``.
    blank_id: the blank class.

  Returns:
    One list of label ids per utterance.
  """
  best = np.argmax(np.asarray(log_probs), axis=-1)  # [B, T]
  lengths = np.full(best.shape[0], best.shape[1]) if lengths is None else np.asarray(lengths)
  return [collapse_ctc(row[:n], blank_id) for row, n in zip(best, lengths)]


def ngram_table_lm(table: np.ndarray, blank_id: int = 0) -> CharLM:
  """A CharLM from an n-gram table of log-probs ``table[c_1, ..., c_{n-1}, c_n]``.

  The context is the last ``n - 1`` label ids of the prefix, left-padded with
  ``blank_id`` as the start-of-sentence symbol (a blank never occurs inside a prefix).
  """
  table = np.asarray(table, np.float64)
  order = table.ndim
  if order < 1 or len(set(table.shape)) != 1:
    raise ValueError(f"An n-gram table must be [V] * n, got shape {table.shape}.")

  def lm(prefix: tuple[int, ...]) -> np.ndarray:
    context = ((blank_id,) * (order - 1) + tuple(prefix))[len(prefix):] if order > 1 else ()
    return table[context]

  return lm


def _logsumexp(a: float, b: float) -> float:
  return float(np.logaddexp(a, b))


def prefix_beam_search(log_probs, beam_size: int = 8, blank_id: int = 0,
                       lm: CharLM | None = None, lm_weight: float = 0.0,
                       insertion_bonus: float = 0.0, prune_log_prob: float = -12.0
                       ) -> list[tuple[list[int], float]]:
  """CTC prefix beam search over one utterance.

  Args:
    log_probs: ``[T, V]`` per-frame log-probabilities (log-softmax of the logits), valid
      frames only.
    beam_size: prefixes kept after each frame.
    blank_id: the blank class.
    lm: optional character LM (see module docstring); used when ``lm_weight != 0``
      (a nonzero ``lm_weight`` without ``lm`` raises ValueError).
    lm_weight: shallow-fusion weight of the LM log-prob.
    insertion_bonus: added per emitted label (offsets the LM's length penalty).
    prune_log_prob: labels with a frame log-prob below this are not tried at that frame
      (the blank and the beams' last labels always are).

  Returns:
    Up to ``beam_size`` ``(label ids, score)`` pairs, best first.
  """
  log_probs = np.asarray(log_probs, np.float64)
  if log_probs.ndim != 2:
    raise ValueError(f"log_probs must be [T, V], got shape {log_probs.shape}.")
  if not isinstance(beam_size, (int, np.integer)) or beam_size < 1:
    raise ValueError(f"beam_size must be an int >= 1, got {beam_size!r}.")
  for name, value in (("lm_weight", lm_weight), ("insertion_bonus", insertion_bonus)):
    if not np.isfinite(value):
      raise ValueError(f"{name}={value!r}; allowed: a finite number")
  if lm is None and lm_weight != 0.0:
    raise ValueError(f"lm_weight={lm_weight!r} needs an lm; allowed without one: 0.0")
  use_lm = lm is not None and lm_weight != 0.0
  lm_cache: dict[tuple[int, ...], np.ndarray] = {}

  def lm_log_probs(prefix):
    if prefix not in lm_cache:
      lm_cache[prefix] = np.asarray(lm(prefix), np.float64)
    return lm_cache[prefix]

  # prefix -> [log p_b, log p_nb]; lm_score: prefix -> log P_lm(prefix).
  beams = {(): [0.0, _NEG_INF]}
  lm_score = {(): 0.0}

  def score(prefix, probs):
    return (_logsumexp(*probs) + lm_weight * lm_score[prefix]
            + insertion_bonus * len(prefix))

  for frame in log_probs:
    candidates = [c for c in np.flatnonzero(frame >= prune_log_prob) if c != blank_id]
    following = collections.defaultdict(lambda: [_NEG_INF, _NEG_INF])
    for prefix, (p_b, p_nb) in beams.items():
      p_total = _logsumexp(p_b, p_nb)
      entry = following[prefix]
      entry[0] = _logsumexp(entry[0], p_total + frame[blank_id])
      last = prefix[-1] if prefix else None
      if last is not None:  # repeat of the last label without a blank: same prefix
        entry[1] = _logsumexp(entry[1], p_nb + frame[last])
      for c in candidates:
        c = int(c)
        extended = prefix + (c,)
        if extended not in lm_score:
          lm_score[extended] = (lm_score[prefix] + float(lm_log_probs(prefix)[c])
                                if use_lm else 0.0)
        # A repeated label needs a blank in between: only p_b extends.
        p_extend = p_b if c == last else p_total
        target = following[extended]
        target[1] = _logsumexp(target[1], p_extend + frame[c])
    # Extensions with no alignment (a repeat after p_b = -inf) are dropped.
    alive = [item for item in following.items() if max(item[1]) > _NEG_INF]
    beams = dict(sorted(alive, key=lambda item: score(*item), reverse=True)[:beam_size])
  ranked = sorted(beams.items(), key=lambda item: score(*item), reverse=True)
  return [(list(prefix), score(prefix, probs)) for prefix, probs in ranked]


def beam_decode(log_probs, lengths, **beam_kwargs) -> list[list[int]]:
  """Best prefix-beam-search hypothesis per utterance of a batch ``[B, T, V]``."""
  log_probs = np.asarray(log_probs)
  return [prefix_beam_search(lp[:n], **beam_kwargs)[0][0]
          for lp, n in zip(log_probs, np.asarray(lengths))]


def greedy_decode_padded(logits, lengths, blank_id: int = 0):
  """Best-path decoding in JAX (jit-able): ``(ids int32 [B, T], num_ids int32 [B])``.

  ``ids[b, :num_ids[b]]`` is utterance b's collapsed, blank-free label sequence; the rest
  is ``blank_id``.
  """
  import jax.numpy as jnp  # pylint: disable=g-import-not-at-top
  best = jnp.argmax(logits, axis=-1).astype(jnp.int32)  # [B, T]
  b, t = best.shape
  previous = jnp.concatenate([jnp.full((b, 1), -1, jnp.int32), best[:, :-1]], axis=1)
  valid = jnp.arange(t)[None, :] < jnp.asarray(lengths)[:, None]
  keep = valid & (best != blank_id) & (best != previous)
  position = jnp.where(keep, jnp.cumsum(keep, axis=1) - 1, t)  # t = dropped (out of range)
  rows = jnp.broadcast_to(jnp.arange(b)[:, None], (b, t))
  ids = jnp.full((b, t), blank_id, jnp.int32).at[rows, position].set(best, mode="drop")
  return ids, jnp.sum(keep, axis=1).astype(jnp.int32)
