"""Flax Linen modules over the pure cells and tree networks, the residual block of
state-linear cells, and attention (additive, multiplicative)."""
from rnnlab.nn import attention
from rnnlab.nn.residual_block import ResidualBlock
from rnnlab.nn.rnn import RNN, Bidirectional, StackedRNN, stacked_params_to_list
from rnnlab.nn.tree_encoder import TreeEncoder

__all__ = ["RNN", "Bidirectional", "ResidualBlock", "StackedRNN", "TreeEncoder", "attention",
           "stacked_params_to_list"]
