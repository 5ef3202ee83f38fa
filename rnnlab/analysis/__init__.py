"""Analysis: results of runs as pandas tables (``results``) and gradient diagnostics."""
from rnnlab.analysis import results
