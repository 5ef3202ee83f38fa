"""Independent NumPy (float64) references written from the seed equations.

Not built on rnnlab: each function reimplements one cell's forward pass, and
``elman_manual_bptt`` the hand-derived BPTT of seed 003 (eqs. 12-16).
Arrays are batch-free: ``xs [T, D]``, hidden ``[H]``.
"""
import numpy as np


def sigmoid(x):
  return 1.0 / (1.0 + np.exp(-x))


def as64(params):
  return {k: np.asarray(v, np.float64) for k, v in params.items()}


def elman_forward(params, xs, h0, activation="tanh"):
  """h_t = f(W x_t + U h_{t-1} + b) (seed 003, eq. 4 / 17-18). Returns hs [T, H]."""
  p = as64(params)
  act = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
  h, hs = np.asarray(h0, np.float64), []
  for x in np.asarray(xs, np.float64):
    h = act(x @ p["w_x"] + h @ p["w_h"] + p["b"])
    hs.append(h)
  return np.stack(hs)


def elman_manual_bptt(params, v, xs, targets):
  """Seed 003's manual BPTT for a tanh Elman RNN with linear read-out y_t = V h_t.

  Loss L = sum_t 1/2 ||V h_t - target_t||^2 (seed 003's squared-error row).
  delta_out_t = V h_t - target_t                        (13)
  delta_h_t   = g'(z_t) * (V^T delta_out_t + delta_next) (12), delta_next = U delta_h_{t+1}
  dL/dV = sum_t delta_out_t h_t^T                       (14)
  dL/dW = sum_t delta_h_t x_t^T                         (15)
  dL/dU = sum_t delta_h_t h_{t-1}^T                     (16)
  Weights are stored input-major (``w_x [D, H]``), so the outer products are transposed.
  Returns (loss, grads) with grads for w_x, w_h, b and v.
  """
  p = as64(params)
  v = np.asarray(v, np.float64)
  xs = np.asarray(xs, np.float64)
  hidden = p["w_h"].shape[0]
  hs = elman_forward(params, xs, np.zeros(hidden))
  h_prev = np.vstack([np.zeros((1, hidden)), hs[:-1]])
  outs = hs @ v
  delta_out = outs - targets
  loss = 0.5 * np.sum(delta_out ** 2)
  grads = {k: np.zeros_like(val) for k, val in p.items()}
  grads["v"] = np.zeros_like(v)
  delta_next = np.zeros(hidden)
  for t in reversed(range(len(xs))):
    g_prime = 1.0 - hs[t] ** 2
    delta_h = g_prime * (delta_out[t] @ v.T + delta_next)
    grads["v"] += np.outer(hs[t], delta_out[t])
    grads["w_x"] += np.outer(xs[t], delta_h)
    grads["w_h"] += np.outer(h_prev[t], delta_h)
    grads["b"] += delta_h
    delta_next = delta_h @ p["w_h"].T
  return loss, grads


def lstm_forward(params, xs, c0, h0, peephole=False):
  """Seed 004's vector formulas (block input z, gates i, f, o; peepholes p_i, p_f, p_o).

  Gate columns of ``w_x``/``w_h``/``b`` are ordered (i, f, g=z, o). Returns (cs, hs).
  """
  p = as64(params)
  hidden = p["w_h"].shape[0]
  sl = {name: slice(k * hidden, (k + 1) * hidden) for k, name in enumerate("ifzo")}
  c, y = np.asarray(c0, np.float64), np.asarray(h0, np.float64)
  zero = np.zeros(hidden)
  p_i, p_f, p_o = (p.get(n, zero) if peephole else zero for n in ("p_i", "p_f", "p_o"))
  cs, hs = [], []
  for x in np.asarray(xs, np.float64):
    pre = {g: x @ p["w_x"][:, s] + y @ p["w_h"][:, s] + p["b"][s] for g, s in sl.items()}
    z = np.tanh(pre["z"])
    i = sigmoid(pre["i"] + p_i * c)
    f = sigmoid(pre["f"] + p_f * c)
    c = i * z + f * c
    o = sigmoid(pre["o"] + p_o * c)
    y = o * np.tanh(c)
    cs.append(c)
    hs.append(y)
  return np.stack(cs), np.stack(hs)


def gru_forward(params, xs, h0, reset_after=True):
  """DESIGN.md's GRU (gates r, z, n); reset-after or Cho et al.'s reset-before. Returns hs."""
  p = as64(params)
  hidden = p["w_h"].shape[0]
  r_s, z_s, n_s = (slice(k * hidden, (k + 1) * hidden) for k in range(3))
  h, hs = np.asarray(h0, np.float64), []
  for x in np.asarray(xs, np.float64):
    gx = x @ p["w_x"] + p["b_x"]
    r = sigmoid(gx[r_s] + h @ p["w_h"][:, r_s] + p["b_h"][r_s])
    z = sigmoid(gx[z_s] + h @ p["w_h"][:, z_s] + p["b_h"][z_s])
    if reset_after:
      n = np.tanh(gx[n_s] + r * (h @ p["w_h"][:, n_s] + p["b_h"][n_s]))
    else:
      n = np.tanh(gx[n_s] + (r * h) @ p["w_h"][:, n_s] + p["b_h"][n_s])
    h = (1.0 - z) * n + z * h
    hs.append(h)
  return np.stack(hs)


def _np_layer_norm(x, gain, bias=0.0, eps=1e-5):
  return (x - x.mean()) / np.sqrt(x.var() + eps) * gain + bias


def lstm_layer_norm_forward(params, xs, c0, h0):
  """Layer-normalised LSTM (Ba et al. 2016, sec. 3.1), peephole-free, gate order (i, f, g, o).

  z = LN(W x; ln_x) + LN(R y; ln_h) + b;  c = f*c + i*g;  y = o * tanh(LN(c; ln_c_gain, ln_c_bias)).
  """
  p = as64(params)
  hidden = p["w_h"].shape[0]
  c, y = np.asarray(c0, np.float64), np.asarray(h0, np.float64)
  hs = []
  for x in np.asarray(xs, np.float64):
    z = _np_layer_norm(x @ p["w_x"], p["ln_x"]) + _np_layer_norm(y @ p["w_h"], p["ln_h"]) + p["b"]
    i, f, g, o = (z[k * hidden:(k + 1) * hidden] for k in range(4))
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    y = sigmoid(o) * np.tanh(_np_layer_norm(c, p["ln_c_gain"], p["ln_c_bias"]))
    hs.append(y)
  return np.stack(hs)


# ---- state-linear cells (written from each paper's equations) ----------------------------

def _g(x):
  """Feng et al. (2024)'s positive candidate: x + 0.5 for x >= 0, sigmoid(x) otherwise."""
  return np.where(x >= 0, x + 0.5, sigmoid(x))


def mingru_forward(params, xs, h0, log_space=True):
  """minGRU (Feng et al. 2024, sec. 3.1): z = sigma(Lin_z x), h~ = Lin_h x (g() in log-space
  mode), h = (1 - z) * h + z * h~. Gate columns (z, h). Returns hs [T, H]."""
  p = as64(params)
  hidden = p["b"].shape[0] // 2
  h, hs = np.asarray(h0, np.float64), []
  for x in np.asarray(xs, np.float64):
    k = x @ p["w_x"] + p["b"]
    z = sigmoid(k[:hidden])
    cand = _g(k[hidden:]) if log_space else k[hidden:]
    h = (1.0 - z) * h + z * cand
    hs.append(h)
  return np.stack(hs)


def minlstm_forward(params, xs, h0, log_space=True):
  """minLSTM (Feng et al. 2024, sec. 3.2): f, i = sigma(Lin_f x), sigma(Lin_i x);
  f' = f / (f + i), i' = i / (f + i); h = f' * h + i' * h~. Gate columns (f, i, h)."""
  p = as64(params)
  hidden = p["b"].shape[0] // 3
  h, hs = np.asarray(h0, np.float64), []
  for x in np.asarray(xs, np.float64):
    k = x @ p["w_x"] + p["b"]
    f, i = sigmoid(k[:hidden]), sigmoid(k[hidden:2 * hidden])
    cand = _g(k[2 * hidden:]) if log_space else k[2 * hidden:]
    h = f / (f + i) * h + i / (f + i) * cand
    hs.append(h)
  return np.stack(hs)


def lru_forward(params, xs, h0):
  """LRU (Orvieto et al. 2023, eq. 7 and appendix A): lambda = exp(-exp(nu) + i exp(theta)),
  x_k = lambda * x_{k-1} + gamma * (B u_k), y_k = Re(C x_k) + D u_k, gamma = exp(gamma_log).
  B = (b_re + i b_im)^T, C = (c_re + i c_im)^T, D = diag(d) (or d^T if d is a matrix).
  Returns (states [T, N] complex, ys [T, H])."""
  p = as64(params)
  lam = np.exp(-np.exp(p["nu_log"]) + 1j * np.exp(p["theta_log"]))
  gamma = np.exp(p["gamma_log"])
  b_mat = (p["b_re"] + 1j * p["b_im"]).T  # [N, D]
  c_mat = (p["c_re"] + 1j * p["c_im"]).T  # [H, N]
  h, hs, ys = np.asarray(h0, np.complex128), [], []
  for u in np.asarray(xs, np.float64):
    h = lam * h + gamma * (b_mat @ u)
    skip = p["d"] * u if p["d"].ndim == 1 else u @ p["d"]
    hs.append(h)
    ys.append(np.real(c_mat @ h) + skip)
  return np.stack(hs), np.stack(ys)


def rglru_forward(params, xs, h0, c=8.0):
  """RG-LRU (De et al. 2024, eqs. 1-4): r = sigma(W_a x + b_a), i = sigma(W_x x + b_x),
  a_t = sigma(Lambda)^(c r), h = a_t * h + sqrt(1 - a_t^2) * (i * u); u = x (or x @ w_u).
  Gate columns (r, i). Returns hs [T, H]."""
  p = as64(params)
  hidden = p["lam"].shape[0]
  a = sigmoid(p["lam"])
  h, hs = np.asarray(h0, np.float64), []
  for x in np.asarray(xs, np.float64):
    k = x @ p["w_x"] + p["b"]
    r, i = sigmoid(k[:hidden]), sigmoid(k[hidden:])
    u = x @ p["w_u"] if "w_u" in p else x
    a_t = a ** (c * r)
    h = a_t * h + np.sqrt(1.0 - a_t ** 2) * (i * u)
    hs.append(h)
  return np.stack(hs)
