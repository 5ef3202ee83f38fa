"""ListOps (Nangia & Bowman 2018, Long Range Arena version): expressions, their evaluator and
bracket trees, and the embedded TFDS builder ``rnnlab_listops``."""
from rnnlab.data.listops import expressions
from rnnlab.data.listops.embedded import NAME, ListOpsConfig, RnnlabListops, generate_splits, load, prepare
from rnnlab.data.listops.expressions import VOCAB, bracket_tree, evaluate

__all__ = ["NAME", "VOCAB", "ListOpsConfig", "RnnlabListops", "bracket_tree", "evaluate",
           "expressions", "generate_splits", "load", "prepare"]
