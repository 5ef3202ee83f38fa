"""Baselines: n-gram language models (interpolated Kneser-Ney) and a bag-of-words text
classifier (word counts + logistic regression, :mod:`rnnlab.baselines.bag_of_words`, also a
program: ``python -m rnnlab.baselines.bag_of_words``)."""
from rnnlab.baselines.kneser_ney import KneserNeyLM
from rnnlab.baselines.kneser_ney import fit_best_order

__all__ = ["KneserNeyLM", "fit_best_order"]
