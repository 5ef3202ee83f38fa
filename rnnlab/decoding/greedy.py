"""Greedy decoding: the arg-max token at every step, batched, jit-compiled, early exit.

See :mod:`rnnlab.decoding.step_fn` for the ``step_fn`` contract. Decoding stops for a row at
its first ``eos_id`` (which is kept in ``tokens`` and counted in ``lengths``) and for the whole
batch once every row has stopped or ``max_length`` tokens were produced.
"""
import functools
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from rnnlab.decoding.step_fn import StepFn, aux_buffer, batch_size_of, check_search_args


class GreedyResult(NamedTuple):
  tokens: jax.Array  # int32 [B, L]; PAD (0) after EOS
  lengths: jax.Array  # int32 [B]; tokens produced including EOS (L if none)
  log_prob: jax.Array  # float32 [B]; sum of the chosen tokens' log-probabilities
  aux: Any  # per-step aux [B, L, ...] (zeros after EOS)


@functools.partial(jax.jit, static_argnames=("step_fn", "bos_id", "eos_id", "max_length",
                                             "pad_id"))
def greedy_search(step_fn: StepFn, params: Any, static: Any, dynamic: Any, *, bos_id: int,
                  eos_id: int, max_length: int, pad_id: int = 0) -> GreedyResult:
  """Greedy decoding of a batch. ``static``/``dynamic`` have leading axis ``[B]``."""
  check_search_args(bos_id, eos_id, max_length)
  batch = batch_size_of(dynamic)
  first = jnp.full((batch,), bos_id, jnp.int32)
  _, _, aux_shape = jax.eval_shape(step_fn, params, static, dynamic, first)

  def cond(carry):
    t, _, _, finished, _, _, _ = carry
    return (t < max_length) & ~jnp.all(finished)

  def body(carry):
    t, tokens, last, finished, dyn, log_prob, aux_buf = carry
    log_probs, dyn, aux = step_fn(params, static, dyn, last)
    next_token = jnp.argmax(log_probs, axis=-1).astype(jnp.int32)
    chosen = jnp.take_along_axis(log_probs, next_token[:, None], axis=-1)[:, 0]
    next_token = jnp.where(finished, pad_id, next_token)
    log_prob = log_prob + jnp.where(finished, 0.0, chosen.astype(jnp.float32))
    tokens = tokens.at[:, t].set(next_token)
    aux_buf = jax.tree.map(
        lambda buf, a: buf.at[:, t].set(
            jnp.where(finished.reshape((-1,) + (1,) * (a.ndim - 1)), jnp.zeros_like(a), a)),
        aux_buf, aux)
    finished = finished | (next_token == eos_id)
    return t + 1, tokens, next_token, finished, dyn, log_prob, aux_buf

  init = (jnp.int32(0), jnp.full((batch, max_length), pad_id, jnp.int32), first,
          jnp.zeros((batch,), bool), dynamic, jnp.zeros((batch,), jnp.float32),
          aux_buffer(aux_shape, max_length))
  _, tokens, _, _, _, log_prob, aux = jax.lax.while_loop(cond, body, init)
  is_eos = tokens == eos_id
  lengths = jnp.where(jnp.any(is_eos, axis=1), jnp.argmax(is_eos, axis=1) + 1, max_length)
  return GreedyResult(tokens, lengths.astype(jnp.int32), log_prob, aux)
