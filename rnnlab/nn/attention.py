"""Attention over encoder states: additive (Bahdanau) and multiplicative (Luong dot / general).

Pure functions (the maths; parameters are plain dicts) and thin Linen modules over them.
Shapes: query ``[B, Q]``, keys ``[B, S, K]``, values ``[B, S, D]``, source mask ``[B, S]``
(True at real source positions, False on padding). Every function returns
``(context [B, D], weights [B, S])``; weights sum to 1 over the real positions and are exactly
0 on padding. A row with no real position (an empty source) gets all-zero weights and a zero
context instead of NaN.

Scores (``s`` indexes source positions):

* additive (Bahdanau et al. 2015, eq. A.1.2):  ``e_s = v . tanh(W_q q + W_k k_s)``
* dot (Luong et al. 2015):                     ``e_s = q . k_s``  (needs Q == K)
* general (Luong et al. 2015):                 ``e_s = q . (W_a k_s)``

The key-side products (``W_k k_s``, ``W_a k_s``) do not depend on the query, so a decoder
computes them once per source sentence (``project_keys``) and reuses them at every step.
Scores and softmax are computed in float32.

Masked positions hold anything (padding ids embedded as NaN, ``inf``): keys, projected keys
and values are *selected* to zero there (``jnp.where``) before any arithmetic, so they reach
neither the outputs nor the gradients (multiplying by a zero weight would give
``0 * nan = nan``).
"""
import flax.linen as nn
import jax
import jax.numpy as jnp

KINDS = ("additive", "dot", "general")


def select_valid(x: jax.Array, mask: jax.Array | None) -> jax.Array:
  """``x [B, S, ...]`` with the positions where ``mask [B, S]`` is False set to 0 (selected,
  so NaN or inf there never enter arithmetic). ``mask=None`` returns ``x``."""
  if mask is None:
    return x
  mask = jnp.asarray(mask).astype(bool)
  return jnp.where(mask.reshape(mask.shape + (1,) * (x.ndim - 2)), x, jnp.zeros((), x.dtype))


def masked_softmax(scores: jax.Array, mask: jax.Array) -> jax.Array:
  """Softmax of ``scores [B, S]`` over positions where ``mask [B, S]`` is True (else 0)."""
  scores = scores.astype(jnp.float32)
  mask = mask.astype(bool)
  masked = jnp.where(mask, scores, jnp.finfo(jnp.float32).min)
  shifted = masked - jax.lax.stop_gradient(jnp.max(masked, axis=-1, keepdims=True))
  exp = jnp.where(mask, jnp.exp(shifted), 0.0)
  total = jnp.sum(exp, axis=-1, keepdims=True)
  return exp / jnp.where(total > 0.0, total, 1.0)


def weighted_sum(weights: jax.Array, values: jax.Array) -> jax.Array:
  """Context ``sum_s weights[b, s] values[b, s]``: ``[B, S] x [B, S, D] -> [B, D]``."""
  return jnp.einsum("bs,bsd->bd", weights.astype(values.dtype), values)


# ---- additive (Bahdanau) --------------------------------------------------------------

def init_additive(key: jax.Array, query_size: int, key_size: int, attention_size: int,
                  param_dtype=jnp.float32) -> dict:
  """Params ``w_query [Q, A]``, ``w_key [K, A]``, ``bias [A]``, ``v [A]`` (Glorot-uniform)."""
  for name, value in (("query_size", query_size), ("key_size", key_size),
                      ("attention_size", attention_size)):
    if not isinstance(value, int) or value <= 0:
      raise ValueError(f"init_additive: {name}={value!r}; allowed: an int > 0")
  k_q, k_k, k_v = jax.random.split(key, 3)
  glorot = jax.nn.initializers.glorot_uniform()
  return {"w_query": glorot(k_q, (query_size, attention_size), param_dtype),
          "w_key": glorot(k_k, (key_size, attention_size), param_dtype),
          "bias": jnp.zeros((attention_size,), param_dtype),
          "v": glorot(k_v, (attention_size, 1), param_dtype)[:, 0]}


def project_keys_additive(params: dict, keys: jax.Array, mask: jax.Array | None = None
                          ) -> jax.Array:
  """``W_k k_s + bias``: ``[B, S, K] -> [B, S, A]`` (query-independent, cache it).

  With ``mask [B, S]`` the masked keys are selected to zero first (gradient-safe)."""
  return select_valid(keys, mask) @ params["w_key"] + params["bias"][None, None, :]


def additive_scores(params: dict, query: jax.Array, projected_keys: jax.Array) -> jax.Array:
  """``v . tanh(W_q q + W_k k_s + bias)``: query ``[B, Q]``, keys ``[B, S, A]`` -> ``[B, S]``."""
  hidden = jnp.tanh(projected_keys + (query @ params["w_query"])[:, None, :])
  return jnp.einsum("bsa,a->bs", hidden.astype(jnp.float32), params["v"].astype(jnp.float32))


def additive_attention(params: dict, query: jax.Array, keys: jax.Array, values: jax.Array,
                       mask: jax.Array, projected_keys: jax.Array | None = None):
  """Bahdanau attention. Returns ``(context [B, D], weights [B, S])``."""
  if projected_keys is None:
    projected_keys = project_keys_additive(params, keys, mask)
  return attend("additive", params, query, projected_keys, values, mask)


# ---- multiplicative (Luong) -----------------------------------------------------------

def dot_scores(query: jax.Array, keys: jax.Array) -> jax.Array:
  """``q . k_s``: query ``[B, D]``, keys ``[B, S, D]`` -> ``[B, S]``."""
  if query.shape[-1] != keys.shape[-1]:
    raise ValueError(f"dot attention needs query size == key size; got {query.shape[-1]} and "
                     f"{keys.shape[-1]} (use 'general' attention for different sizes)")
  return jnp.einsum("bd,bsd->bs", query.astype(jnp.float32), keys.astype(jnp.float32))


def dot_attention(query: jax.Array, keys: jax.Array, values: jax.Array, mask: jax.Array):
  """Luong dot attention. Returns ``(context [B, D], weights [B, S])``."""
  return attend("dot", {}, query, keys, values, mask)


def init_general(key: jax.Array, query_size: int, key_size: int, param_dtype=jnp.float32) -> dict:
  """Params ``w [K, Q]`` (Glorot-uniform) of the general score ``q . (k W)``."""
  for name, value in (("query_size", query_size), ("key_size", key_size)):
    if not isinstance(value, int) or value <= 0:
      raise ValueError(f"init_general: {name}={value!r}; allowed: an int > 0")
  return {"w": jax.nn.initializers.glorot_uniform()(key, (key_size, query_size), param_dtype)}


def project_keys_general(params: dict, keys: jax.Array, mask: jax.Array | None = None
                         ) -> jax.Array:
  """``k_s W``: ``[B, S, K] -> [B, S, Q]`` (query-independent, cache it).

  With ``mask [B, S]`` the masked keys are selected to zero first (gradient-safe)."""
  return select_valid(keys, mask) @ params["w"]


def general_attention(params: dict, query: jax.Array, keys: jax.Array, values: jax.Array,
                      mask: jax.Array, projected_keys: jax.Array | None = None):
  """Luong general attention. Returns ``(context [B, D], weights [B, S])``."""
  if projected_keys is None:
    projected_keys = project_keys_general(params, keys, mask)
  return attend("general", params, query, projected_keys, values, mask)


# ---- one entry point for models that pick the kind from a config ------------------------

def init_attention(kind: str, key: jax.Array, query_size: int, key_size: int,
                   attention_size: int, param_dtype=jnp.float32) -> dict:
  """Params for ``kind`` ("additive", "dot": none, "general")."""
  if kind == "additive":
    return init_additive(key, query_size, key_size, attention_size, param_dtype)
  if kind == "general":
    return init_general(key, query_size, key_size, param_dtype)
  if kind == "dot":
    if query_size != key_size:
      raise ValueError(f"dot attention needs query size == key size; got {query_size} and "
                       f"{key_size}")
    return {}
  raise ValueError(f"unknown attention kind {kind!r}; allowed: {KINDS}")


def project_keys(kind: str, params: dict, keys: jax.Array, mask: jax.Array | None = None
                 ) -> jax.Array:
  """The cacheable, query-independent part of the score for ``kind``.

  ``keys [B, S, K]``; with ``mask [B, S]`` masked keys are selected to zero first, so the
  keys' padding reaches no gradient (pass it whenever the padding may hold NaN or inf)."""
  if kind == "additive":
    return project_keys_additive(params, keys, mask)
  if kind == "general":
    return project_keys_general(params, keys, mask)
  if kind == "dot":
    return select_valid(keys, mask)
  raise ValueError(f"unknown attention kind {kind!r}; allowed: {KINDS}")


def attend(kind: str, params: dict, query: jax.Array, projected_keys: jax.Array,
           values: jax.Array, mask: jax.Array):
  """Attention of ``kind`` with keys already passed through :func:`project_keys`.

  Masked positions of ``projected_keys`` and ``values`` are selected away before use.
  """
  projected_keys, values = select_valid(projected_keys, mask), select_valid(values, mask)
  if kind == "additive":
    scores = additive_scores(params, query, projected_keys)
  elif kind in ("dot", "general"):
    scores = dot_scores(query, projected_keys)
  else:
    raise ValueError(f"unknown attention kind {kind!r}; allowed: {KINDS}")
  weights = masked_softmax(scores, mask)
  return weighted_sum(weights, values), weights


# ---- Linen modules --------------------------------------------------------------------

class AdditiveAttention(nn.Module):
  """Bahdanau attention: ``__call__(query [B, Q], keys [B, S, K], values [B, S, D], mask [B, S])``.
  """

  attention_size: int
  param_dtype: jnp.dtype = jnp.float32

  @nn.compact
  def __call__(self, query, keys, values, mask):
    params = self.param("attention", lambda k: init_additive(
        k, query.shape[-1], keys.shape[-1], self.attention_size, self.param_dtype))
    return additive_attention(params, query, keys, values, mask)


class DotAttention(nn.Module):
  """Luong dot attention (no parameters). Same call signature as :class:`AdditiveAttention`."""

  @nn.compact
  def __call__(self, query, keys, values, mask):
    return dot_attention(query, keys, values, mask)


class GeneralAttention(nn.Module):
  """Luong general attention. Same call signature as :class:`AdditiveAttention`."""

  param_dtype: jnp.dtype = jnp.float32

  @nn.compact
  def __call__(self, query, keys, values, mask):
    params = self.param("attention", lambda k: init_general(
        k, query.shape[-1], keys.shape[-1], self.param_dtype))
    return general_attention(params, query, keys, values, mask)
