"""Decoding: greedy and beam search over a model's cached decoder step."""
from rnnlab.decoding.beam_search import BeamResult, beam_search, length_penalty
from rnnlab.decoding.greedy import GreedyResult, greedy_search
from rnnlab.decoding.step_fn import StepFn

__all__ = ["BeamResult", "GreedyResult", "StepFn", "beam_search", "greedy_search",
           "length_penalty"]
