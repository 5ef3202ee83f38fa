"""Baselines: n-gram language models (interpolated Kneser-Ney) and a bag-of-words text
classifier (word counts + logistic regression)."""
from rnnlab.baselines import bag_of_words
from rnnlab.baselines.kneser_ney import KneserNeyLM
from rnnlab.baselines.kneser_ney import fit_best_order

__all__ = ["KneserNeyLM", "bag_of_words", "fit_best_order"]
