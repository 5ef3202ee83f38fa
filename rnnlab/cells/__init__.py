"""Pure-function recurrent cells: frozen dataclasses of hyperparameters with pure methods."""
from rnnlab.cells.base import STATE_DTYPE, RecurrentCell, expand_to, split_gates
from rnnlab.cells.elman import Elman
from rnnlab.cells.gru import GRU
from rnnlab.cells.initializers import INITIALIZERS
from rnnlab.cells.lstm import LSTM, layer_norm
from rnnlab.cells.registry import CELLS, make_cell, register_cell

__all__ = ["STATE_DTYPE", "RecurrentCell", "expand_to", "split_gates", "Elman", "GRU", "INITIALIZERS", "LSTM",
           "layer_norm", "CELLS", "make_cell", "register_cell"]
