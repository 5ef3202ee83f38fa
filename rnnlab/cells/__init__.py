"""Pure-function recurrent cells: frozen dataclasses of hyperparameters with pure methods."""
from rnnlab.cells.base import STATE_DTYPE, RecurrentCell, expand_to, split_gates
from rnnlab.cells.elman import Elman
from rnnlab.cells.gru import GRU
from rnnlab.cells.initializers import INITIALIZERS
from rnnlab.cells.lru import LRU
from rnnlab.cells.lstm import LSTM, layer_norm
from rnnlab.cells.min_rnn import MinimalRNNCell
from rnnlab.cells.mingru import MinGRU
from rnnlab.cells.minlstm import MinLSTM
from rnnlab.cells.rglru import RGLRU
from rnnlab.cells.registry import (CELLS, MODEL_KEYS, Hyperparameter, cell_hyperparameters,
                                   make_cell, register_cell)
from rnnlab.cells.state_linear import StateLinearCell, is_state_linear, linear_step

__all__ = ["STATE_DTYPE", "RecurrentCell", "expand_to", "split_gates", "Elman", "GRU", "INITIALIZERS", "LSTM",
           "layer_norm", "CELLS", "MODEL_KEYS", "Hyperparameter", "cell_hyperparameters", "make_cell",
           "register_cell", "LRU", "MinimalRNNCell", "MinGRU", "MinLSTM", "RGLRU", "StateLinearCell",
           "is_state_linear", "linear_step"]
