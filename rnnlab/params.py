"""Parameter pytrees: counting, and gradient norms per parameter group (logged by the train loop)."""
from typing import Any

import jax
import jax.numpy as jnp

from rnnlab.cells.base import STATE_DTYPE


def count_params(params: Any) -> int:
  """Total number of scalars in a parameter pytree (e.g. ``4 * (D*H + H*H + H)`` for an LSTM)."""
  return int(sum(leaf.size for leaf in jax.tree.leaves(params)))


def parameter_group_norms(grads: Any, *, depth: int | None = None,
                          prefix: str = "grad_norm/") -> dict[str, jax.Array]:
  """L2 norm of a gradient pytree per parameter group, plus the global norm.

  Args:
    grads: a pytree of arrays (e.g. a Flax ``params`` gradient).
    depth: group leaves by their first ``depth`` path components (None: one group per leaf).
      With ``{"rnn": {"cell": {"w_h": ...}}}``, depth=None gives ``rnn/cell/w_h``, depth=1
      gives ``rnn``.
    prefix: prepended to every key.

  Returns:
    ``{prefix + group: norm, prefix + "global": norm}`` as float32 scalars (jit-friendly;
    call ``float`` on them to log).
  """
  if depth is not None and (not isinstance(depth, int) or depth < 1):
    raise ValueError(f"depth={depth!r}; allowed: None or an int >= 1")
  squares: dict[str, jax.Array] = {}
  leaves = jax.tree_util.tree_flatten_with_path(grads)[0]
  if not leaves:
    raise ValueError("grads has no array leaves")
  for path, leaf in leaves:
    names = [_key_name(k) for k in path]
    group = "/".join(names if depth is None else names[:depth]) or "root"
    sq = jnp.sum(jnp.square(jnp.asarray(leaf, STATE_DTYPE)))
    squares[group] = squares.get(group, 0.0) + sq
  norms = {prefix + group: jnp.sqrt(sq) for group, sq in squares.items()}
  norms[prefix + "global"] = jnp.sqrt(sum(squares.values()))
  return norms


def _key_name(key: Any) -> str:
  for attr in ("key", "name", "idx"):
    if hasattr(key, attr):
      return str(getattr(key, attr))
  return str(key)
