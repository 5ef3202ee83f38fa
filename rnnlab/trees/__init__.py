"""Recursive networks over trees: trees as padded arrays, the recursive NN of Socher et al.
(2011), the Child-Sum and N-ary Tree-LSTMs of Tai et al. (2015), run level by level."""
from rnnlab.trees.child_sum_tree_lstm import ChildSumTreeLSTM
from rnnlab.trees.converters import ParsedTree, from_nested, from_parsed
from rnnlab.trees.nary_tree_lstm import NaryTreeLSTM
from rnnlab.trees.recursion import propagate, root_outputs
from rnnlab.trees.recursive_nn import RecursiveNN
from rnnlab.trees.tree_arrays import Tree, TreeBatch, batch_trees, check_tree, node_levels
from rnnlab.trees.tree_cell import TreeCell

__all__ = ["ChildSumTreeLSTM", "NaryTreeLSTM", "ParsedTree", "RecursiveNN", "Tree", "TreeBatch",
           "TreeCell", "batch_trees", "check_tree", "from_nested", "from_parsed", "node_levels",
           "propagate", "root_outputs"]
