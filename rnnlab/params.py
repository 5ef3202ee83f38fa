"""Parameter counting."""
from typing import Any

import jax


def count_params(params: Any) -> int:
  """Total number of scalars in a parameter pytree (e.g. ``4 * (D*H + H*H + H)`` for an LSTM)."""
  return int(sum(leaf.size for leaf in jax.tree.leaves(params)))
