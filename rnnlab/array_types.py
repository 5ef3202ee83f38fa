"""The shape vocabulary used in rnnlab's signatures and docstrings.

Legend (one letter per axis):

====  ======================================================
b     batch
t     time (sequence position)
d     input features of a recurrent layer
h     hidden units
g     projected gate pre-activations (``num_gates * h``)
v     vocabulary size
s     source time (encoder positions, for attention)
====  ======================================================

``[B, T, D]`` in a docstring means an array with those axes in that order;
``time_major=True`` swaps the first two (``[T, B, D]``). Units: hidden
activations are dimensionless; losses are nats unless a name says ``bits``.
"""
from typing import Any

import jax

Array = jax.Array
PRNGKey = jax.Array
PyTree = Any
# Named array types: documentation aliases of ``jax.Array`` whose names carry the axes.
Sequence_BTD = jax.Array  # inputs [B, T, D]
Projected_BTG = jax.Array  # time-parallel input projection [B, T, G]
Outputs_BTH = jax.Array  # per-step outputs [B, T, H]
Lengths_B = jax.Array  # valid lengths, int32 [B]
Mask_BT = jax.Array  # 1.0 where a step is valid, 0.0 on padding [B, T]
Logits_BTV = jax.Array  # [B, T, V]
