"""rnnlab: a JAX/Flax research codebase for recurrent neural networks.

Pure cells (``rnnlab.cells``), the recurrence engine (``rnnlab.recurrence``), Flax modules
(``rnnlab.nn``), fused kernels (``rnnlab.kernels``); tasks, training and analysis build on them.
"""
from rnnlab import cells, kernels, nn, recurrence
from rnnlab.params import count_params

__version__ = "0.1.0"
__all__ = ["cells", "kernels", "nn", "recurrence", "count_params"]
