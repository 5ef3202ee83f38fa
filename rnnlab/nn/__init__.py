"""Flax Linen modules over the pure cells, and attention (additive, multiplicative)."""
from rnnlab.nn import attention
from rnnlab.nn.rnn import RNN, Bidirectional, StackedRNN, stacked_params_to_list

__all__ = ["RNN", "Bidirectional", "StackedRNN", "attention", "stacked_params_to_list"]
