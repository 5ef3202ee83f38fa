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
  """``(score, output)`` of the best output (:func:`all_outputs`) under the GNMT score."""
  outputs, scores = exhaustive_ranking(params, static, dynamic, row, max_length, alpha)
  return scores[0], outputs[0]


def all_outputs(max_length: int) -> list[list[int]]:
  """Every output a search can return: EOS-ended within ``max_length`` tokens, or
  ``max_length`` tokens with no EOS (truncated, as greedy search stops)."""
  others = [t for t in range(VOCAB) if t != EOS]
  ended = [list(body) + [EOS] for n in range(1, max_length + 1)
           for body in itertools.product(others, repeat=n - 1)]
  return ended + [list(body) for body in itertools.product(others, repeat=max_length)]


def output_log_probs(params, static, dynamic, row: int, outputs) -> np.ndarray:
  """log p of every sequence in ``outputs`` for batch row ``row``: one batched teacher-forced
  pass of ``step_fn`` (float32 steps, float64 sums)."""
  n, length = len(outputs), max(len(o) for o in outputs)
  tokens = np.zeros((n, length), np.int32)
  for i, o in enumerate(outputs):
    tokens[i, :len(o)] = o
  st = jax.tree.map(lambda x: np.repeat(x[row:row + 1], n, axis=0), static)
  dyn = jax.tree.map(lambda x: np.repeat(x[row:row + 1], n, axis=0), dynamic)
  prev, total = np.full((n,), BOS, np.int32), np.zeros(n)
  for t in range(length):
    log_probs, dyn, _ = _jitted_step(params, st, dyn, jnp.asarray(prev))
    valid = np.array([t < len(o) for o in outputs])
    total += np.where(valid, np.asarray(log_probs, np.float64)[np.arange(n), tokens[:, t]], 0.0)
    prev = tokens[:, t]
  return total


def exhaustive_ranking(params, static, dynamic, row: int, max_length: int, alpha: float):
  """Every output (:func:`all_outputs`) with its GNMT score, best first."""
  outputs = all_outputs(max_length)
  lengths = np.array([len(o) for o in outputs], np.float64)
  scores = output_log_probs(params, static, dynamic, row, outputs) / ((5.0 + lengths) / 6.0) ** alpha
  order = np.argsort(-scores, kind="stable")
  return [outputs[i] for i in order], scores[order]
