"""Flax Linen modules over the pure cells and tree networks, the residual block of
state-linear cells, attention (additive, multiplicative) and pooling (last, mean, max,
attention)."""
from rnnlab.nn import attention
from rnnlab.nn import pooling
from rnnlab.nn.pooling import Pooling
from rnnlab.nn.residual_block import ResidualBlock
from rnnlab.nn.rnn import RNN, Bidirectional
from rnnlab.nn.stacked import BLOCKS, StackedRNN, reduced_lengths, stacked_params_to_list
from rnnlab.nn.tree_encoder import TreeEncoder

__all__ = ["RNN", "Bidirectional", "BLOCKS", "Pooling", "ResidualBlock", "StackedRNN",
           "TreeEncoder", "attention", "pooling", "reduced_lengths", "stacked_params_to_list"]
