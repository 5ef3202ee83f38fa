"""Plain Python recursions over one tree, written from the papers' equations.

Each takes ``xp`` (``numpy`` for a float64 oracle, ``jax.numpy`` for a differentiable one)
and returns ``{node: state}`` for every node of the tree, computed by recursion from the
root (no levels, no batching, no padding). Weights are read in the papers' orientation
(``W(i) = w_x[:, i-block].T`` etc.).
"""
import numpy as np


def _sigmoid(xp, z):
  return 1.0 / (1.0 + xp.exp(-z))


def _kids(children, j):
  return [int(c) for c in children[j] if c >= 0]


def recursive_nn(xp, params, children, xs):
  """Socher et al. (2011) eq. 2: leaf = x; p = tanh(W [c1; c2] + b)."""
  W, b = params["w"].T, params["b"]
  h = b.shape[0]
  out = {}

  def rec(j):
    kids = _kids(children, j)
    if not kids:
      out[j] = xs[j]
    else:
      c1 = rec(kids[0])
      c2 = rec(kids[1]) if len(kids) > 1 else xp.zeros(h)
      out[j] = xp.tanh(W @ xp.concatenate([c1, c2]) + b)
    return out[j]

  rec(len(children) - 1)
  return out


def child_sum(xp, params, children, xs):
  """Tai et al. (2015) eqs. 2-8; gates (i, f, u, o) in w_x, w_h, b."""
  h = params["w_h"].shape[0]
  blk = lambda m, g: m[:, g * h:(g + 1) * h].T
  Wi, Wf, Wu, Wo = (blk(params["w_x"], g) for g in range(4))
  Ui, Uf, Uu, Uo = (blk(params["w_h"], g) for g in range(4))
  bi, bf, bu, bo = (params["b"][g * h:(g + 1) * h] for g in range(4))
  out = {}

  def rec(j):
    kids = [rec(k) for k in _kids(children, j)]
    x = xs[j]
    h_tilde = sum((hk for _, hk in kids), xp.zeros(h))
    i = _sigmoid(xp, Wi @ x + Ui @ h_tilde + bi)
    o = _sigmoid(xp, Wo @ x + Uo @ h_tilde + bo)
    u = xp.tanh(Wu @ x + Uu @ h_tilde + bu)
    c = i * u
    for ck, hk in kids:
      c = c + _sigmoid(xp, Wf @ x + Uf @ hk + bf) * ck
    out[j] = (c, o * xp.tanh(c))
    return out[j]

  rec(len(children) - 1)
  return out


def nary(xp, params, children, xs, arity):
  """Tai et al. (2015) eqs. 9-14; w_h rows [h_1; ...; h_N], columns (i, f_1..f_N, u, o)."""
  h = params["w_x"].shape[1] // 4
  n = arity
  Wi, Wf, Wu, Wo = (params["w_x"][:, g * h:(g + 1) * h].T for g in range(4))
  bi, bf, bu, bo = (params["b"][g * h:(g + 1) * h] for g in range(4))
  # U(gate)_l: the block of w_h mapping child l into gate column block g, transposed.
  U = lambda g, l: params["w_h"][l * h:(l + 1) * h, g * h:(g + 1) * h].T
  col_i, col_u, col_o = 0, n + 1, n + 2
  col_f = lambda k: 1 + k
  out = {}

  def rec(j):
    kids = [rec(k) for k in _kids(children, j)]
    assert len(kids) <= n
    kids = kids + [(xp.zeros(h), xp.zeros(h))] * (n - len(kids))
    x = xs[j]
    hsum = lambda g: sum((U(g, l) @ kids[l][1] for l in range(n)), xp.zeros(h))
    i = _sigmoid(xp, Wi @ x + hsum(col_i) + bi)
    o = _sigmoid(xp, Wo @ x + hsum(col_o) + bo)
    u = xp.tanh(Wu @ x + hsum(col_u) + bu)
    c = i * u
    for k in range(n):
      f_k = _sigmoid(xp, Wf @ x + hsum(col_f(k)) + bf)
      c = c + f_k * kids[k][0]
    out[j] = (c, o * xp.tanh(c))
    return out[j]

  rec(len(children) - 1)
  return out


def to_numpy64(tree):
  import jax
  return jax.tree.map(lambda a: np.asarray(a, np.float64), tree)
