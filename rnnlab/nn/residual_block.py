"""The residual block that state-linear cells are normally used in (Griffin/Hawk, De et al.
2024, sec. 2 and fig. 2; also Feng et al. 2024, Orvieto et al. 2023).

For inputs ``x [B, T, H]`` (the block keeps the width H = the cell's ``hidden_size``)::

    u = RMSNorm(x)
    u = CausalConv1D(u)                     optional (conv_width > 0; Hawk uses width 4)
    x = x + Recurrence(cell, u)             any cell, ``recurrence.scan`` (any impl)
    v = RMSNorm(x)
    x = x + W_down (GeLU(W_gate v) * (W_up v))     gated MLP, width mlp_expansion * H

Lengths: padded steps are zeroed on entry (a select, so even NaN there cannot leak), the
convolution is causal (a valid step reads only itself and earlier steps), the recurrence
keeps the padding semantics of ``recurrence.scan``, and outputs at padded steps are zero.
So a right-padded row gives exactly what the row alone gives.

State (for truncated BPTT across segments): ``{"conv": the last conv_width - 1 valid conv
inputs [B, conv_width - 1, H], "cell": the cell's state}``; pass it back as
``initial_state`` to continue a sequence (None: zeros).
"""
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnnlab import recurrence


def causal_conv(xs: jax.Array, kernel: jax.Array, bias: jax.Array, history: jax.Array) -> jax.Array:
  """Depthwise causal convolution over time.

  ``xs [B, T, H]``, ``kernel [W, H]`` (``kernel[W-1]`` weighs the current step), ``bias [H]``,
  ``history [B, W-1, H]`` (the inputs before ``xs``). Returns ``[B, T, H]``:
  ``y_t = bias + sum_k kernel[k] * x_{t - (W-1) + k}``.
  """
  width, num_steps = kernel.shape[0], xs.shape[1]
  padded = jnp.concatenate([history.astype(xs.dtype), xs], axis=1)
  out = bias[None, None, :].astype(xs.dtype)
  for k in range(width):
    out = out + padded[:, k:k + num_steps] * kernel[k][None, None, :].astype(xs.dtype)
  return out


def last_inputs(history: jax.Array, xs: jax.Array, lengths: jax.Array | None) -> jax.Array:
  """The last ``W-1`` conv inputs before each row's end: ``[B, W-1, H]`` (W-1 = history size)."""
  keep = history.shape[1]
  padded = jnp.concatenate([history.astype(xs.dtype), xs], axis=1)
  ends = jnp.full((xs.shape[0],), xs.shape[1]) if lengths is None else lengths
  index = ends[:, None] + jnp.arange(keep)[None, :]  # positions in ``padded``
  return jnp.take_along_axis(padded, index[:, :, None], axis=1)


class ResidualBlock(nn.Module):
  """Norm -> (causal conv) -> recurrence -> residual; norm -> gated MLP -> residual.

  Attributes:
    cell: any cell (``rnnlab.cells``) with ``hidden_size`` equal to ``hidden_size``.
    hidden_size: H, the block's input and output width.
    conv_width: width of the causal temporal convolution before the recurrence (Hawk: 4);
      0 disables it.
    mlp_expansion: the gated MLP's width is ``mlp_expansion * H`` (Griffin: 3).
    dtype: compute dtype of the norms, convolution and MLP (the cell has its own).
    impl, remat, unroll: passed to ``recurrence.scan``.

  ``__call__(xs [B, T, H], lengths [B] | None, initial_state | None)`` returns
  ``(state, ys [B, T, H])``; see the module docstring for the state. Raises ValueError on a
  bad width or a cell of another hidden size.
  """

  cell: Any
  hidden_size: int
  conv_width: int = 4
  mlp_expansion: int = 3
  dtype: Any = jnp.float32
  impl: str = "auto"
  remat: bool = False
  unroll: int = 1

  def initial_state(self, batch_size: int) -> dict:
    """The zero state for ``batch_size`` rows."""
    return {"conv": jnp.zeros((batch_size, max(self.conv_width - 1, 0), self.hidden_size),
                              self.dtype),
            "cell": self.cell.initial_state((batch_size,))}

  @nn.compact
  def __call__(self, xs, lengths=None, initial_state=None):
    h = self.hidden_size
    if getattr(self.cell, "hidden_size", None) != h:
      raise ValueError(f"ResidualBlock: cell hidden_size={getattr(self.cell, 'hidden_size', None)!r}"
                       f" must equal the block's hidden_size={h}")
    if xs.ndim != 3 or xs.shape[-1] != h:
      raise ValueError(f"ResidualBlock: inputs must be [B, T, H={h}]; got shape {xs.shape}")
    for name, value, low in (("conv_width", self.conv_width, 0),
                             ("mlp_expansion", self.mlp_expansion, 1)):
      if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"ResidualBlock: {name}={value!r}; allowed: an int >= {low}")
    batch, steps = xs.shape[0], xs.shape[1]
    state = self.initial_state(batch) if initial_state is None else initial_state
    valid = (jnp.ones((batch, steps), bool) if lengths is None
             else jnp.arange(steps)[None, :] < lengths[:, None])
    xs = jnp.where(valid[:, :, None], xs, jnp.zeros_like(xs)).astype(self.dtype)

    u = nn.RMSNorm(dtype=self.dtype, name="norm_recurrence")(xs)
    new_state = {"conv": state["conv"]}
    if self.conv_width > 0:
      kernel = self.param("conv_kernel", nn.initializers.lecun_normal(), (self.conv_width, h))
      bias = self.param("conv_bias", nn.initializers.zeros, (h,))
      u_conv = causal_conv(u, kernel, bias, state["conv"])
      new_state["conv"] = last_inputs(state["conv"], u, lengths)
      u = u_conv
    cell_params = self.param("cell", lambda key: self.cell.init(key, h))
    new_state["cell"], ys = recurrence.scan(
        self.cell, cell_params, u, lengths=lengths, initial_state=state["cell"], impl=self.impl,
        remat=self.remat, unroll=self.unroll)
    xs = xs + ys.astype(self.dtype)

    v = nn.RMSNorm(dtype=self.dtype, name="norm_mlp")(xs)
    width = self.mlp_expansion * h
    gate = nn.gelu(nn.Dense(width, dtype=self.dtype, name="mlp_gate")(v))
    up = nn.Dense(width, dtype=self.dtype, name="mlp_up")(v)
    xs = xs + nn.Dense(h, dtype=self.dtype, name="mlp_down")(gate * up)
    return new_state, jnp.where(valid[:, :, None], xs, jnp.zeros_like(xs))
