"""N-gram baselines for language modeling (interpolated Kneser-Ney)."""
from rnnlab.baselines.kneser_ney import KneserNeyLM
from rnnlab.baselines.kneser_ney import fit_best_order

__all__ = ["KneserNeyLM", "fit_best_order"]
