"""The N-ary Tree-LSTM of Tai, Socher and Manning (2015); N = 2 is the binary Tree-LSTM.

Source: K. S. Tai, R. Socher, C. D. Manning, "Improved Semantic Representations From
Tree-Structured Long Short-Term Memory Networks", ACL 2015, section 3.2, equations 9-14.
For node j with ordered children h_j1 .. h_jN (a missing child has zero h and c)::

    i_j  = sigmoid(W(i) x_j + sum_l U(i)_l h_jl + b(i))          (9)
    f_jk = sigmoid(W(f) x_j + sum_l U(f)_kl h_jl + b(f))         (10)
    o_j  = sigmoid(W(o) x_j + sum_l U(o)_l h_jl + b(o))          (11)
    u_j  = tanh(W(u) x_j + sum_l U(u)_l h_jl + b(u))             (12)
    c_j  = i_j * u_j + sum_l f_jl * c_jl                         (13)
    h_j  = o_j * tanh(c_j)                                       (14)

Each child position has its own weights, and the forget gate of child k reads every child.
Parameters: ``w_x [D, 4H]`` and ``b [4H]`` in gate order (i, f, u, o) (``W(f)``, ``b(f)``
shared by the N forget gates; f-slice of ``b`` starts at ``forget_bias``), and
``w_h [N*H, (N+3)*H]``: rows are the concatenated children ``[h_j1; ...; h_jN]``, columns
the gates (i, f_1, ..., f_N, u, o). State: ``(c, h)``, float32 ``[..., H]``. A node with
more than N children raises ValueError naming it.
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells import initializers
from rnnlab.cells.base import split_gates
from rnnlab.trees.tree_cell import TreeCell


@dataclasses.dataclass(frozen=True)
class NaryTreeLSTM(TreeCell):
  """Tai et al. (2015) N-ary Tree-LSTM (``arity`` N, default 2); see the module docstring."""

  arity: int = 2
  forget_bias: float = 1.0

  num_gates = 4

  def __post_init__(self):
    super().__post_init__()
    if isinstance(self.arity, bool) or not isinstance(self.arity, int) or self.arity < 1:
      raise ValueError(f"NaryTreeLSTM: arity={self.arity!r}; allowed: an int >= 1")

  @property
  def max_arity(self) -> int:
    return self.arity

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    h, n = self.hidden_size, self.arity
    w_h = initializers.init_gate_blocks(self.recurrent_init, recurrent_key, n * h, h, n + 3,
                                        self.param_dtype, self.init_scale)
    return {"w_x": self._input_weights(input_key, input_size), "w_h": w_h,
            "b": jnp.zeros((4 * h,), self.param_dtype).at[h:2 * h].set(self.forget_bias)}

  def initial_state(self, batch_shape=()):
    zeros = jnp.zeros((*batch_shape, self.hidden_size), self.state_dtype)
    return (zeros, zeros)

  def output(self, state):
    return state[1]

  def node(self, params, gx, child_states, child_mask):
    """``gx [W, 4H]``, children ``(c, h) [W, K<=N, H]`` -> ``(c, h) [W, H]``."""
    (c_k, h_k), _ = self.pad_children(child_states, child_mask, self.arity)
    n = self.arity
    w_nodes = h_k.shape[0]
    gates = split_gates(self.matmul(h_k.reshape(w_nodes, -1), params["w_h"]), n + 3)
    u_i, u_f, u_u, u_o = gates[0], gates[1:1 + n], gates[1 + n], gates[2 + n]
    gx_i, gx_f, gx_u, gx_o = split_gates(gx.astype(self.state_dtype), 4)
    c = jax.nn.sigmoid(gx_i + u_i) * jnp.tanh(gx_u + u_u)
    for k in range(n):
      c = c + jax.nn.sigmoid(gx_f + u_f[k]) * c_k[:, k]
    h_new = jax.nn.sigmoid(gx_o + u_o) * jnp.tanh(c)
    return c, h_new

  def leaf(self, params, gx):
    """``node`` with every child missing (zero h and c): ``gx [W, 4H]`` -> ``(c, h) [W, H]``."""
    gx_i, _, gx_u, gx_o = split_gates(gx.astype(self.state_dtype), 4)
    c = jax.nn.sigmoid(gx_i) * jnp.tanh(gx_u)
    return c, jax.nn.sigmoid(gx_o) * jnp.tanh(c)
