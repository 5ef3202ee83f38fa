"""The recursive neural network of Socher et al. (2011) over binary trees.

Source: R. Socher, C. Lin, A. Y. Ng, C. D. Manning, "Parsing Natural Scenes and Natural
Language with Recursive Neural Networks", ICML 2011, section 3 (equation 2)::

    p = tanh(W [c1; c2] + b)

A leaf's vector is its input ``x`` (the word vector; so the input size D must equal
``hidden_size``); an internal node's vector ``p`` composes its left and right children
``c1``, ``c2``. A node with one child composes it with a zero right child; an internal
node's own input is not used. Parameters: ``w [2H, H]`` (rows: left child, then right
child; ``p = [c1; c2] @ w + b``, the transpose of the paper's ``W``) and ``b [H]``.
State: ``p`` (float32) ``[..., H]``.
"""
import dataclasses

import jax
import jax.numpy as jnp

from rnnlab.cells import initializers
from rnnlab.trees.tree_cell import TreeCell


@dataclasses.dataclass(frozen=True)
class RecursiveNN(TreeCell):
  """Socher et al. (2011) recursive NN; see the module docstring. ``w`` uses ``recurrent_init``."""

  @property
  def max_arity(self) -> int:
    return 2

  def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
    del input_key, extra_key
    h = self.hidden_size
    if input_size != h:
      raise ValueError(f"RecursiveNN: input_size={input_size} must equal hidden_size={h} (leaf "
                       "vectors are the inputs)")
    w = initializers.init_gate_blocks(self.recurrent_init, recurrent_key, 2 * h, h, 1,
                                      self.param_dtype, self.init_scale)
    return {"w": w, "b": jnp.zeros((h,), self.param_dtype)}

  def project(self, params, xs):
    """Leaf vectors are the inputs themselves: ``[..., H] -> [..., H]`` (compute dtype)."""
    h = params["w"].shape[-1]
    if xs.ndim < 1 or xs.shape[-1] != h:
      raise ValueError(f"RecursiveNN: input feature size {xs.shape[-1] if xs.ndim else None} must "
                       f"equal hidden_size={h}")
    return xs.astype(self.dtype)

  def node(self, params, gx, child_states, child_mask):
    """``gx [W, H]``, children ``[W, K<=2, H]`` -> ``p [W, H]``."""
    children, child_mask = self.pad_children(child_states, child_mask, 2)
    w_nodes = children.shape[0]
    pair = children.reshape(w_nodes, 2 * children.shape[-1])
    bias = params["b"].astype(self.state_dtype)[None, :]
    composed = jnp.tanh(self.matmul(pair, params["w"]) + bias)
    leaf = ~jnp.any(child_mask, axis=-1)
    return jnp.where(leaf[:, None], gx.astype(self.state_dtype), composed)

  def leaf(self, params, gx):
    """A leaf's vector is its input: ``gx [W, H]`` -> ``p [W, H]``."""
    return gx.astype(self.state_dtype)
