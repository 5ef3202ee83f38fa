"""A tiny recurrent decoder with the ``step_fn`` contract, and an exhaustive-search oracle."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np

VOCAB, HIDDEN, SOURCE = 5, 8, 3
BOS, EOS = 1, 2


def make_params(seed: int, eos_bias: float = 0.0):
  rng = np.random.default_rng(seed)
  out_b = np.zeros(VOCAB, np.float32)
  out_b[EOS] = eos_bias
  return {"emb": rng.normal(size=(VOCAB, HIDDEN)).astype(np.float32),
          "w": (rng.normal(size=(HIDDEN, HIDDEN)) / 2).astype(np.float32),
          "out": (rng.normal(size=(HIDDEN, VOCAB)) * 1.5).astype(np.float32),
          "out_b": out_b}


def make_inputs(batch: int, seed: int):
  rng = np.random.default_rng(seed)
  static = {"memory": rng.normal(size=(batch, SOURCE, HIDDEN)).astype(np.float32)}
  dynamic = {"h": rng.normal(size=(batch, HIDDEN)).astype(np.float32)}
  return static, dynamic


def step_fn(params, static, dynamic, tokens):
  """h' = tanh(emb[tok] + h W + mean(memory)); attention-like aux = softmax(memory . h')."""
  h = jnp.tanh(params["emb"][tokens] + dynamic["h"] @ params["w"]
               + jnp.mean(static["memory"], axis=1))
  logits = h @ params["out"] + params["out_b"][None, :]
  aux = jax.nn.softmax(jnp.einsum("bsh,bh->bs", static["memory"], h), axis=-1)
  return jax.nn.log_softmax(logits), {"h": h}, aux


_jitted_step = jax.jit(step_fn)


def sequence_log_prob(params, static, dynamic, row: int, tokens) -> float:
  """log p(tokens) for batch row ``row``, scored one step at a time (in float64 sums)."""
  st = jax.tree.map(lambda x: x[row:row + 1], static)
  dyn = jax.tree.map(lambda x: x[row:row + 1], dynamic)
  prev, total = BOS, 0.0
  for tok in tokens:
    log_probs, dyn, _ = _jitted_step(params, st, dyn, jnp.array([prev], jnp.int32))
    total += float(log_probs[0, tok])
    prev = tok
  return total


def exhaustive_best(params, static, dynamic, row: int, max_length: int, alpha: float):
  """The best EOS-terminated sequence of at most ``max_length`` tokens under the GNMT score."""
  best = (-np.inf, None)
  for n in range(1, max_length + 1):
    for body in itertools.product([t for t in range(VOCAB) if t != EOS], repeat=n - 1):
      seq = list(body) + [EOS]
      score = sequence_log_prob(params, static, dynamic, row, seq) / ((5.0 + n) / 6.0) ** alpha
      if score > best[0]:
        best = (score, seq)
  return best
