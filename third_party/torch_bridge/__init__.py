"""Weights between rnnlab and PyTorch ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (needs torch).

``layout`` (weights, NumPy) and ``states`` (``h_0``/``c_0``/``h_n``/``c_n``) do not import
torch; ``convert`` (whole modules, Flax ``StackedRNN`` variables) does. See ``layout`` for the
parameter mapping and bias convention.
"""
from third_party.torch_bridge.convert import (TorchImport, cells_from_torch, from_torch,
                                              load_into_torch, stacked_to_torch, stacked_variables,
                                              tensor_to_numpy, to_torch)
from third_party.torch_bridge.layout import (TORCH_MODES, cell_for_mode, cell_params_from_torch,
                                             cell_params_to_torch, params_from_state_dict,
                                             params_to_state_dict, torch_mode, torch_param_name)
from third_party.torch_bridge.states import states_from_torch, states_to_torch

__all__ = ["TorchImport", "cells_from_torch", "from_torch", "load_into_torch", "stacked_to_torch",
           "stacked_variables", "tensor_to_numpy", "to_torch", "TORCH_MODES", "cell_for_mode",
           "cell_params_from_torch", "cell_params_to_torch", "params_from_state_dict",
           "params_to_state_dict", "torch_mode", "torch_param_name", "states_from_torch",
           "states_to_torch"]
