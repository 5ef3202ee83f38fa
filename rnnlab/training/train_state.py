"""The train state: everything that changes during training and is checkpointed.

The data position is not in here (it lives in the data iterator and is checkpointed next
to this state), and there is no RNG state: each step's key is
``fold_in(key(train.seed), step)``, so restoring ``step`` restores the randomness.
"""
from typing import Any

import flax.struct
import jax


@flax.struct.dataclass
class TrainState:
  """``step`` (int32 scalar: steps done), ``params``, ``opt_state`` (optax) and ``carry``
  (the task's state threaded between batches, e.g. TBPTT hidden states; None if unused)."""
  step: jax.Array
  params: Any
  opt_state: Any
  carry: Any = None
