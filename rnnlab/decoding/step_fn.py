"""The decoder-step contract shared by greedy and beam search.

A model exposes one decoding step as a pure function

  step_fn(params, static, dynamic, tokens) -> (log_probs, dynamic, aux)

* ``params``: the model parameters (traced, so one compilation serves every checkpoint);
* ``static``: a pytree with leading axis ``[N]`` computed once per source (encoder outputs,
  source mask, attention keys already projected); searches never rewrite it;
* ``dynamic``: the cached decoder state, a pytree with leading axis ``[N]``; beam search
  reorders it with the surviving hypotheses;
* ``tokens``: int32 ``[N]``, the previous output token (``bos_id`` at the first step);
* ``log_probs``: float ``[N, V]`` normalised log-probabilities of the next token;
* ``aux``: a pytree ``[N, ...]`` recorded per step (e.g. attention weights ``[N, S]``), or
  ``()``.

``N`` is the batch size for greedy search and ``batch * beam_size`` for beam search.
``step_fn`` is a static (hashable) argument of the jitted searches: pass the same function
object each call so that the compilation is reused.
"""
from typing import Any, Callable

import jax
import jax.numpy as jnp

StepFn = Callable[[Any, Any, Any, jax.Array], tuple[jax.Array, Any, Any]]


def batch_size_of(tree: Any) -> int:
  """Leading dimension shared by every leaf of ``tree``."""
  sizes = {leaf.shape[0] for leaf in jax.tree.leaves(tree)}
  if len(sizes) != 1:
    raise ValueError(f"decoder state leaves must share one leading batch size; got {sorted(sizes)}")
  return sizes.pop()


def aux_buffer(aux_shape: Any, max_length: int) -> Any:
  """Zeros ``[N, L, ...]`` for every leaf of the per-step ``aux`` shapes ``[N, ...]``."""
  return jax.tree.map(
      lambda s: jnp.zeros((s.shape[0], max_length) + s.shape[1:], s.dtype), aux_shape)


def check_search_args(bos_id: int, eos_id: int, max_length: int) -> None:
  if not isinstance(max_length, int) or max_length < 1:
    raise ValueError(f"max_length={max_length!r}; allowed: an int >= 1")
  if bos_id < 0 or eos_id < 0:
    raise ValueError(f"token ids must be >= 0; got bos_id={bos_id}, eos_id={eos_id}")
