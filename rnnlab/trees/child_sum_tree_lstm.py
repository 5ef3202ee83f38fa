"""The Child-Sum Tree-LSTM of Tai, Socher and Manning (2015), for trees of any branching.

Source: K. S. Tai, R. Socher, C. D. Manning, "Improved Semantic Representations From
Tree-Structured Long Short-Term Memory Networks", ACL 2015, section 3.1, equations 2-8.
For node j with children C(j)::

    h~_j  = sum_{k in C(j)} h_k                                  (2)
    i_j   = sigmoid(W(i) x_j + U(i) h~_j + b(i))                 (3)
    f_jk  = sigmoid(W(f) x_j + U(f) h_k + b(f))                  (4)
    o_j   = sigmoid(W(o) x_j + U(o) h~_j + b(o))                 (5)
    u_j   = tanh(W(u) x_j + U(u) h~_j + b(u))                    (6)
    c_j   = i_j * u_j + sum_{k in C(j)} f_jk * c_k               (7)
    h_j   = o_j * tanh(c_j)                                      (8)

A leaf has no children (h~ = 0). Parameters, gate order (i, f, u, o) as rnnlab's LSTM
(PyTorch's (i, f, g, o)): ``w_x [D, 4H]``, ``w_h [H, 4H]`` (the f-columns multiply each
child's ``h_k``, the others ``h~_j``), ``b [4H]``, whose f-slice starts at ``forget_bias``
(1.0, as rnnlab's LSTM; the paper does not say). State: ``(c, h)``, float32 ``[..., H]``.
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells.base import split_gates
from rnnlab.trees.tree_cell import TreeCell


@dataclasses.dataclass(frozen=True)
class ChildSumTreeLSTM(TreeCell):
  """Tai et al. (2015) Child-Sum Tree-LSTM; see the module docstring."""

  forget_bias: float = 1.0

  num_gates = 4

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del extra_key
    h = self.hidden_size
    return {"w_x": self._input_weights(input_key, input_size),
            "w_h": self._recurrent_weights(recurrent_key),
            "b": jnp.zeros((4 * h,), self.param_dtype).at[h:2 * h].set(self.forget_bias)}

  def initial_state(self, batch_shape=()):
    zeros = jnp.zeros((*batch_shape, self.hidden_size), self.state_dtype)
    return (zeros, zeros)

  def output(self, state):
    return state[1]

  def node(self, params, gx, child_states, child_mask):
    """``gx [W, 4H]``, children ``(c, h) [W, K, H]`` -> ``(c, h) [W, H]``."""
    del child_mask  # missing children have zero states, which add nothing to (2) and (7)
    c_k, h_k = child_states
    h = self.hidden_size
    w_h = params["w_h"]
    h_sum = jnp.sum(h_k, axis=1)
    gx_i, gx_f, gx_u, gx_o = split_gates(gx.astype(self.state_dtype), 4)
    u_i, _, u_u, u_o = split_gates(self.matmul(h_sum, w_h), 4)
    f_k = jax.nn.sigmoid(gx_f[:, None, :] + self.matmul(h_k, w_h[:, h:2 * h]))
    c = (jax.nn.sigmoid(gx_i + u_i) * jnp.tanh(gx_u + u_u)
         + jnp.sum(f_k * c_k, axis=1))
    h_new = jax.nn.sigmoid(gx_o + u_o) * jnp.tanh(c)
    return c, h_new

  def leaf(self, params, gx):
    """``node`` without children (h~ = 0, no f-terms): ``gx [W, 4H]`` -> ``(c, h) [W, H]``."""
    gx_i, _, gx_u, gx_o = split_gates(gx.astype(self.state_dtype), 4)
    c = jax.nn.sigmoid(gx_i) * jnp.tanh(gx_u)
    return c, jax.nn.sigmoid(gx_o) * jnp.tanh(c)
