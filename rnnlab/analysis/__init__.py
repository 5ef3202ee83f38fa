"""Analysis: run results as pandas tables, gradient-flow diagnostics, plots.

Plot modules (``gradient_plots``, ``attention_plots``) import matplotlib and are loaded on
first use: ``from rnnlab.analysis import gradient_plots``.
"""
from rnnlab.analysis import gradients, results
from rnnlab.analysis.gradients import (decay_rate_per_step, hidden_gradient_norms,
                                       parameter_group_norms, state_gradients,
                                       transition_jacobian_norms)

__all__ = ["gradients", "results", "decay_rate_per_step", "hidden_gradient_norms",
           "parameter_group_norms", "state_gradients", "transition_jacobian_norms"]
