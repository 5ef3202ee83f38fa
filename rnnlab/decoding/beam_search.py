"""Beam search: batched, jit-compiled, decoder state cached and reordered per hypothesis.

See :mod:`rnnlab.decoding.step_fn` for the ``step_fn`` contract.

Semantics (the 2k-candidate search of fairseq and t5x). Per batch row the search keeps
``beam_size`` (``K``) *alive* hypotheses (no EOS yet) and the ``K`` best *finished* ones
(ended by ``eos_id``). At step ``t`` every alive hypothesis is extended by every token; of
the ``2 K`` best extensions (by total log-probability) those ending in EOS become finished
candidates and the best ``K`` others stay alive, so a full beam of alive hypotheses
survives even when several extensions pick EOS. An output ends at its first EOS or, like
greedy search's, after ``max_length`` tokens (truncated, no EOS): hypotheses still alive
at ``max_length`` compete with the finished ones on the same score, and the result is the
best ``K`` of both, best first.

Consequences (tested on adversarial random decoders):

* ``beam_size=1`` is *not* greedy search: greedy's path is the alive hypothesis, but an
  EOS among the two best extensions is kept as a finished candidate, so the search may
  return ``greedy_prefix + [EOS]`` instead of greedy's output. With ``alpha = 0`` its best
  score is never below greedy's log-probability. (Larger beams usually score higher still,
  but beam search is not monotone in ``beam_size``: a wider beam can prune greedy's path.)
* A beam at least as large as the number of possible outputs (sum of ``(V-1)^(n-1)`` EOS-
  ended outputs for ``n <= max_length``, plus ``(V-1)^max_length`` truncated ones) returns
  every output, ranked exactly as exhaustive search ranks them, for any ``alpha``.

Length normalisation (Wu et al. 2016, GNMT): an output of ``n`` tokens (EOS included)
scores ``log p / lp(n)`` with ``lp(n) = ((5 + n) / 6) ** alpha``; ``alpha = 0`` ranks by
plain log-probability, larger ``alpha`` favours longer outputs.

Stopping: a row is done when its worst kept finished score beats the best score an alive
hypothesis could still reach (its log-probability can only fall, and ``lp`` is largest at
``max_length``); the loop ends when every row is done or ``max_length`` tokens were
produced. Slots of a row that holds fewer than ``K`` outputs (tiny vocabularies) have
score ``NEG_INF`` (-1e9) and length 0.
"""
import functools
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from rnnlab.decoding.step_fn import StepFn, aux_buffer, batch_size_of, check_search_args

NEG_INF = -1.0e9  # finite "minus infinity": keeps arithmetic on dead hypotheses NaN-free


class BeamResult(NamedTuple):
  tokens: jax.Array  # int32 [B, K, L], best first; PAD after EOS
  scores: jax.Array  # float32 [B, K], length-normalised log-probabilities, descending
  lengths: jax.Array  # int32 [B, K], tokens including EOS (L for a truncated output)
  aux: Any  # per-step aux [B, K, L, ...] of each hypothesis


def length_penalty(length: jax.Array, alpha: float) -> jax.Array:
  """GNMT length penalty ``((5 + n) / 6) ** alpha``."""
  return ((5.0 + length.astype(jnp.float32)) / 6.0) ** alpha


def _gather_beams(tree: Any, indices: jax.Array) -> Any:
  """Picks hypotheses: leaves ``[B, K_in, ...]``, indices ``[B, K_out]`` -> ``[B, K_out, ...]``."""
  batch_index = jnp.arange(indices.shape[0])[:, None]
  return jax.tree.map(lambda x: x[batch_index, indices], tree)


def _split_beams(tree: Any, batch: int, beams: int) -> Any:
  return jax.tree.map(lambda x: x.reshape((batch, beams) + x.shape[1:]), tree)


def _merge_beams(tree: Any) -> Any:
  return jax.tree.map(lambda x: x.reshape((x.shape[0] * x.shape[1],) + x.shape[2:]), tree)


def _tile_beams(tree: Any, beams: int) -> Any:
  """``[B, ...] -> [B * K, ...]`` with each row repeated ``beams`` times (row-major)."""
  return jax.tree.map(lambda x: jnp.repeat(x, beams, axis=0), tree)


@functools.partial(jax.jit, static_argnames=("step_fn", "beam_size", "bos_id", "eos_id",
                                             "max_length", "alpha", "pad_id"))
def beam_search(step_fn: StepFn, params: Any, static: Any, dynamic: Any, *, beam_size: int,
                bos_id: int, eos_id: int, max_length: int, alpha: float = 0.6,
                pad_id: int = 0) -> BeamResult:
  """Beam search over a batch (semantics in the module docstring).

  Args:
    step_fn, params: the decoder step and its parameters (:mod:`rnnlab.decoding.step_fn`).
    static, dynamic: pytrees with leading axis ``[B]`` (not tiled; tiled ``K`` times here).
    beam_size: ``K >= 1`` hypotheses kept per row.
    bos_id, eos_id: first input token and end token (ids >= 0).
    max_length: ``L >= 1``, the most tokens an output has (EOS included).
    alpha: GNMT length-normalisation strength, ``>= 0``.
    pad_id: written after EOS.

  Returns:
    :class:`BeamResult` with ``tokens [B, K, L]``, ``scores [B, K]``, ``lengths [B, K]``,
    ``aux`` ``[B, K, L, ...]``.

  Raises:
    ValueError: on ``beam_size < 1``, ``alpha < 0``, ``max_length < 1``, negative ids, or a
      vocabulary of one token.
  """
  check_search_args(bos_id, eos_id, max_length)
  if not isinstance(beam_size, int) or beam_size < 1:
    raise ValueError(f"beam_size={beam_size!r}; allowed: an int >= 1")
  if not alpha >= 0 or alpha == float("inf"):  # NaN fails the comparison
    raise ValueError(f"alpha={alpha!r}; allowed: >= 0 (length normalisation strength)")
  batch, k = batch_size_of(dynamic), beam_size
  static = _tile_beams(static, k)
  dynamic = _tile_beams(dynamic, k)
  first = jnp.full((batch * k,), bos_id, jnp.int32)
  log_probs_shape, _, aux_shape = jax.eval_shape(step_fn, params, static, dynamic, first)
  vocab = log_probs_shape.shape[-1]
  if 2 * k > k * vocab:
    raise ValueError(f"beam_size={k} needs a vocabulary of at least 2 tokens; got {vocab}")
  aux_init = _split_beams(aux_buffer(aux_shape, max_length), batch, k)  # [B, K, L, ...]
  best_possible_lp = length_penalty(jnp.int32(max_length), alpha)

  def cond(carry):
    t, alive, finished = carry[0], carry[1], carry[2]
    alive_logp, fin_scores = alive[1], finished[1]
    bound = alive_logp[:, 0] / best_possible_lp
    done = fin_scores[:, -1] >= bound
    return (t < max_length) & ~jnp.all(done)

  def body(carry):
    t, alive, finished, dyn = carry
    seqs, logp, aux_hist = alive
    last = jnp.where(t == 0, bos_id, seqs[:, :, jnp.maximum(t - 1, 0)])  # [B, K]
    log_probs, dyn, aux = step_fn(params, static, dyn, last.reshape(-1))
    log_probs = log_probs.astype(jnp.float32).reshape(batch, k, vocab)
    candidates = (logp[:, :, None] + log_probs).reshape(batch, k * vocab)
    top_logp, top_index = jax.lax.top_k(candidates, 2 * k)  # [B, 2K]
    origin = top_index // vocab
    token = (top_index % vocab).astype(jnp.int32)
    cand_seqs = _gather_beams(seqs, origin).at[:, :, t].set(token)  # [B, 2K, L]
    aux = _split_beams(aux, batch, k)
    cand_aux = jax.tree.map(lambda h, a: h.at[:, :, t].set(a),
                            _gather_beams(aux_hist, origin), _gather_beams(aux, origin))
    is_eos = token == eos_id
    # Alive: the best K extensions that do not end here.
    alive_score = jnp.where(is_eos | (top_logp <= NEG_INF / 2), NEG_INF, top_logp)
    new_logp, keep = jax.lax.top_k(alive_score, k)  # [B, K]
    new_seqs = _gather_beams(cand_seqs, keep)
    new_aux = _gather_beams(cand_aux, keep)
    dyn_rows = (jnp.arange(batch)[:, None] * k + _gather_beams(origin, keep)).reshape(-1)
    dyn = jax.tree.map(lambda x: x[dyn_rows], dyn)
    # Finished: merge the EOS extensions with the kept finished hypotheses.
    lp = length_penalty(t + 1, alpha)
    eos_score = jnp.where(is_eos & (top_logp > NEG_INF / 2), top_logp / lp, NEG_INF)
    f_seqs, f_scores, f_lengths, f_aux = finished
    all_scores = jnp.concatenate([f_scores, eos_score], axis=1)  # [B, 3K]
    all_seqs = jnp.concatenate([f_seqs, cand_seqs], axis=1)
    all_lengths = jnp.concatenate(
        [f_lengths, jnp.full((batch, 2 * k), t + 1, jnp.int32)], axis=1)
    all_aux = jax.tree.map(lambda a, b: jnp.concatenate([a, b], axis=1), f_aux, cand_aux)
    f_scores, pick = jax.lax.top_k(all_scores, k)
    finished = (_gather_beams(all_seqs, pick), f_scores, _gather_beams(all_lengths, pick),
                _gather_beams(all_aux, pick))
    return t + 1, (new_seqs, new_logp, new_aux), finished, dyn

  empty_seqs = jnp.full((batch, k, max_length), pad_id, jnp.int32)
  alive_logp = jnp.full((batch, k), NEG_INF, jnp.float32).at[:, 0].set(0.0)
  alive = (empty_seqs, alive_logp, aux_init)
  finished = (empty_seqs, jnp.full((batch, k), NEG_INF, jnp.float32),
              jnp.zeros((batch, k), jnp.int32), aux_init)
  steps, alive, finished, _ = jax.lax.while_loop(
      cond, body, (jnp.int32(0), alive, finished, dynamic))

  # A hypothesis still alive after ``max_length`` tokens ends there (truncated, as greedy
  # search ends) and competes with the finished ones; after an early stop every row's
  # kept finished hypotheses already beat whatever an alive one could reach.
  truncated = (steps == max_length) & (alive[1] > NEG_INF / 2)  # [B, K]
  alive_scores = jnp.where(
      truncated, alive[1] / length_penalty(jnp.int32(max_length), alpha), NEG_INF)
  all_scores = jnp.concatenate([finished[1], alive_scores], axis=1)  # [B, 2K]; ties: finished
  scores, pick = jax.lax.top_k(all_scores, k)

  def both(f, a):  # the picked K of finished then truncated hypotheses
    return _gather_beams(jnp.concatenate([f, a], axis=1), pick)

  return BeamResult(
      tokens=both(finished[0], alive[0]),
      scores=scores,
      lengths=both(finished[2], jnp.full((batch, k), max_length, jnp.int32)),
      aux=jax.tree.map(both, finished[3], alive[2]))
