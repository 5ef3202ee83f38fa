"""Named weight initialisers for recurrent cells.

Every initialiser has the signature ``init(key, shape, dtype, *, scale) -> Array``
for a 2-D ``[fan_in, H]`` block. Gated cells call it once per gate block and
concatenate, so ``"orthogonal"`` and ``"identity"`` give an orthogonal/identity
``[H, H]`` block *per gate* (as Keras and the IRNN paper do).

==================  ==========================================================
name                distribution
==================  ==========================================================
``default``         U(-1/sqrt(H), 1/sqrt(H)), PyTorch's default for RNN layers
``uniform``         U(-scale, scale) (Zaremba et al. 2014 use scale = 0.1)
``glorot_uniform``  U(-a, a), a = sqrt(6 / (fan_in + fan_out))
``fan_in_uniform``  U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's ``nn.Linear`` default
``lecun_normal``    truncated normal with variance 1/fan_in (LeCun; Griffin's dense layers)
``orthogonal``      a random orthogonal matrix times ``scale``
``identity``        ``scale`` times the identity; square blocks only (IRNN, Le et al. 2015)
==================  ==========================================================
"""
from typing import Callable

import jax
import jax.numpy as jnp

Initializer = Callable[..., jax.Array]


def _default(key, shape, dtype, *, scale):
  del scale
  bound = 1.0 / jnp.sqrt(shape[-1])
  return jax.random.uniform(key, shape, dtype, -bound, bound)


def _uniform(key, shape, dtype, *, scale):
  return jax.random.uniform(key, shape, dtype, -scale, scale)


def _glorot_uniform(key, shape, dtype, *, scale):
  del scale
  return jax.nn.initializers.glorot_uniform()(key, shape, dtype)


def _fan_in_uniform(key, shape, dtype, *, scale):
  del scale
  bound = 1.0 / jnp.sqrt(shape[0])
  return jax.random.uniform(key, shape, dtype, -bound, bound)


def _lecun_normal(key, shape, dtype, *, scale):
  del scale
  return jax.nn.initializers.lecun_normal()(key, shape, dtype)


def _orthogonal(key, shape, dtype, *, scale):
  return jax.nn.initializers.orthogonal(scale=scale)(key, shape, dtype)


def _identity(key, shape, dtype, *, scale):
  del key
  if shape[0] != shape[1]:
    raise ValueError(
        f"initializer 'identity' needs a square block, got shape {tuple(shape)}; "
        "use it for recurrent weights only")
  return scale * jnp.eye(shape[0], dtype=dtype)


INITIALIZERS: dict[str, Initializer] = {
    "default": _default,
    "uniform": _uniform,
    "glorot_uniform": _glorot_uniform,
    "fan_in_uniform": _fan_in_uniform,
    "lecun_normal": _lecun_normal,
    "orthogonal": _orthogonal,
    "identity": _identity,
}

# The scale used when a cell's ``init_scale`` is None.
DEFAULT_SCALES = {"uniform": 0.1, "orthogonal": 1.0, "identity": 1.0}


def check_initializer(name: str, field: str) -> None:
  """Raises ValueError if ``name`` is not a known initialiser."""
  if name not in INITIALIZERS:
    raise ValueError(
        f"unknown initializer {name!r} for {field}; allowed: {sorted(INITIALIZERS)}")


def init_gate_blocks(name: str, key: jax.Array, fan_in: int, hidden_size: int,
                     num_gates: int, dtype, scale: float | None = None) -> jax.Array:
  """Initialises ``num_gates`` blocks of shape ``[fan_in, H]``, concatenated to ``[fan_in, G*H]``."""
  check_initializer(name, "weights")
  scale = DEFAULT_SCALES.get(name, 1.0) if scale is None else scale
  keys = jax.random.split(key, num_gates)
  blocks = [INITIALIZERS[name](k, (fan_in, hidden_size), dtype, scale=scale) for k in keys]
  return jnp.concatenate(blocks, axis=-1)
