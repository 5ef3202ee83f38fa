"""Pooling: one vector per sequence from an encoder's states (many-to-one read-out).

Pure functions over ``ys [B, T, H]`` and ``lengths [B]`` (steps ``t >= lengths[b]`` are
padding), and a thin Linen module :class:`Pooling` that holds the attention parameters.

* ``last``: the state at each sequence's last valid step ``ys[b, lengths[b] - 1]``, the
  encoder's "context vector" (seed 002, sec. on sentence classification). For a
  bidirectional encoder whose outputs are ``[forward H | backward H]`` the backward
  direction has read the whole sequence at step 0, so ``last`` takes the forward half at
  the last valid step and the backward half at the first step (as PyTorch's ``h_n``).
* ``mean``: the average over the valid steps.
* ``max``: the element-wise maximum over the valid steps.
* ``attention``: a learned query attending over the states (seed 002, "attention-based
  RNNs ... weighs different parts of the sentence"; the word attention of Yang et al.
  2016, eqs. 5-7): ``u_t = tanh(W h_t + b)``, ``alpha_t = softmax_t(u_t . q)``,
  ``pooled = sum_t alpha_t h_t``; the weights ``alpha [B, T]`` are returned for plotting.

Masks select (``jnp.where``), they never multiply: the states are replaced by zeros at padded
steps before any arithmetic, so a NaN or inf there reaches neither the outputs nor the
gradients. A sequence of length 0 pools to zeros (and all-zero attention weights).
"""
import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab.array_types import Lengths_B, Outputs_BTH
from rnnlab.nn import attention as attention_lib

METHODS = ("last", "mean", "max", "attention")


def valid_mask(lengths: Lengths_B, num_steps: int) -> jax.Array:
  """``[B, T]`` bool, True at steps ``t < lengths[b]``."""
  return jnp.arange(num_steps)[None, :] < jnp.asarray(lengths)[:, None]


def _masked(ys: Outputs_BTH, lengths: Lengths_B) -> tuple[jax.Array, jax.Array]:
  mask = valid_mask(lengths, ys.shape[1])
  return jnp.where(mask[..., None], ys, jnp.zeros((), ys.dtype)), mask


def last_pool(ys: Outputs_BTH, lengths: Lengths_B, bidirectional: bool = False) -> jax.Array:
  """State at the last valid step: ``[B, T, H] -> [B, H]``.

  With ``bidirectional=True`` (``H`` = 2 x the direction size, forward first): the forward
  half at step ``lengths - 1`` and the backward half at step 0. Raises ValueError for an odd
  feature size when bidirectional.
  """
  ys, _ = _masked(ys, lengths)
  lengths = jnp.asarray(lengths)
  index = jnp.clip(lengths - 1, 0, ys.shape[1] - 1)
  at_last = jnp.take_along_axis(ys, index[:, None, None], axis=1)[:, 0]
  if not bidirectional:
    return at_last
  if ys.shape[-1] % 2:
    raise ValueError(f"bidirectional last pooling needs an even feature size "
                     f"[forward | backward], got {ys.shape[-1]}")
  half = ys.shape[-1] // 2
  return jnp.concatenate([at_last[:, :half], ys[:, 0, half:]], axis=-1)


def mean_pool(ys: Outputs_BTH, lengths: Lengths_B) -> jax.Array:
  """Average over the valid steps: ``[B, T, H] -> [B, H]`` (zeros for length 0)."""
  ys, _ = _masked(ys, lengths)
  count = jnp.maximum(jnp.asarray(lengths), 1).astype(ys.dtype)
  return jnp.sum(ys, axis=1) / count[:, None]


def max_pool(ys: Outputs_BTH, lengths: Lengths_B) -> jax.Array:
  """Element-wise maximum over the valid steps: ``[B, T, H] -> [B, H]`` (zeros for length 0)."""
  ys, mask = _masked(ys, lengths)
  lowest = jnp.asarray(-jnp.inf, ys.dtype)
  pooled = jnp.max(jnp.where(mask[..., None], ys, lowest), axis=1)
  return jnp.where((jnp.asarray(lengths) > 0)[:, None], pooled, jnp.zeros((), ys.dtype))


def init_attention(key: jax.Array, hidden_size: int, attention_size: int) -> dict:
  """Parameters of :func:`attention_pool`: ``w [H, A]`` (Glorot), ``b [A]`` (0), ``query [A]``
  (N(0, 1/A))."""
  k_w, k_q = jax.random.split(key)
  return {"w": nn.initializers.glorot_uniform()(k_w, (hidden_size, attention_size)),
          "b": jnp.zeros((attention_size,)),
          "query": jax.random.normal(k_q, (attention_size,)) / jnp.sqrt(attention_size)}


def attention_pool(params: dict, ys: Outputs_BTH, lengths: Lengths_B
                   ) -> tuple[jax.Array, jax.Array]:
  """A learned query attending over the valid steps (Yang et al. 2016, eqs. 5-7).

  Args:
    params: ``{"w": [H, A], "b": [A], "query": [A]}`` (:func:`init_attention`).
    ys: states ``[B, T, H]``.
    lengths: valid steps ``[B]``.

  Returns:
    ``(pooled [B, H], weights float32 [B, T])``; the weights sum to 1 over the valid steps
    and are exactly 0 on padding (all 0 for a sequence of length 0, whose pooled vector is 0).
  """
  ys, mask = _masked(ys, lengths)
  u = jnp.tanh(ys @ params["w"].astype(ys.dtype) + params["b"].astype(ys.dtype)[None, None])
  scores = jnp.einsum("bta,a->bt", u, params["query"].astype(ys.dtype))
  weights = attention_lib.masked_softmax(scores, mask)
  return attention_lib.weighted_sum(weights, ys), weights


def pool(method: str, ys: Outputs_BTH, lengths: Lengths_B, *, params: dict | None = None,
         bidirectional: bool = False) -> tuple[jax.Array, jax.Array | None]:
  """``(pooled [B, H], weights [B, T] or None)`` by ``method`` (one of ``METHODS``).

  ``params`` is needed by ``attention`` only; ``bidirectional`` matters to ``last`` only.
  Raises ValueError for an unknown method or missing attention parameters.
  """
  if method not in METHODS:
    raise ValueError(f"pooling method {method!r}; allowed: {METHODS}")
  if method == "attention":
    if params is None:
      raise ValueError("attention pooling needs its params ({'w', 'b', 'query'}), got None")
    return attention_pool(params, ys, lengths)
  if method == "last":
    return last_pool(ys, lengths, bidirectional), None
  if method == "mean":
    return mean_pool(ys, lengths), None
  return max_pool(ys, lengths), None


class Pooling(nn.Module):
  """``__call__(ys [B, T, H], lengths [B]) -> (pooled [B, H], weights [B, T] | None)``.

  Attributes:
    method: ``METHODS``.
    attention_size: A, the size of the attention's hidden layer and query.
    bidirectional: ``ys`` is ``[forward | backward]`` (matters to ``last``).

  Parameters (``attention`` only): ``attention = {"w", "b", "query"}``.
  """

  method: str = "last"
  attention_size: int = 64
  bidirectional: bool = False

  @nn.compact
  def __call__(self, ys: Outputs_BTH, lengths: Lengths_B):
    params = None
    if self.method == "attention":
      params = self.param("attention", lambda key: init_attention(
          key, ys.shape[-1], self.attention_size))
    return pool(self.method, ys, lengths, params=params, bidirectional=self.bidirectional)
