"""Flax Linen modules over the pure cells."""
from rnnlab.nn.rnn import RNN, Bidirectional, StackedRNN, stacked_params_to_list

__all__ = ["RNN", "Bidirectional", "StackedRNN", "stacked_params_to_list"]
