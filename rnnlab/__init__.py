"""rnnlab: a JAX/Flax research codebase for recurrent neural networks.

Pure cells (``rnnlab.cells``), the recurrence engine (``rnnlab.recurrence``), tree networks
(``rnnlab.trees``), Flax modules (``rnnlab.nn``) and fused kernels (``rnnlab.kernels``) are
imported eagerly. The heavier
subpackages (data, tasks, training, analysis, ...) are imported on first attribute access,
so ``import rnnlab`` stays fast and does not pull in TFDS.
"""
import importlib

from rnnlab import cells, kernels, nn, recurrence, trees
from rnnlab.params import count_params

__version__ = "0.1.0"

_LAZY_SUBPACKAGES = ("analysis", "baselines", "data", "decoding", "features", "metrics", "models",
                     "tasks", "training")

__all__ = ["cells", "kernels", "nn", "recurrence", "trees", "count_params", *_LAZY_SUBPACKAGES]


def __getattr__(name):
  if name in _LAZY_SUBPACKAGES:
    return importlib.import_module(f"rnnlab.{name}")
  raise AttributeError(f"module 'rnnlab' has no attribute {name!r}")
