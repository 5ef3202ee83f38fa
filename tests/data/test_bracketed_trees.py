"""SST-style bracketed trees: parsing, labels on every node, errors naming file and line."""
import numpy as np
import pytest

from rnnlab import trees
from rnnlab.data import bracketed_trees

SST = ["(3 (2 It) (4 (3 (2 's) (3 good)) (2 .)))",
       "",
       "(1 (2 Not) (0 (1 bad) (2 (2 at) (2 all))))"]


@pytest.fixture
def sst_file(tmp_path):
  path = tmp_path / "train.txt"
  path.write_text("\n".join(SST) + "\n", encoding="utf-8")
  return path


def test_reads_every_tree_with_labels_at_every_node(sst_file):
  parsed = bracketed_trees.read_bracketed_trees(sst_file)
  assert len(parsed) == 2
  assert parsed[0].leaves() == ["It", "'s", "good", "."]
  assert parsed[0].label == 3 and parsed[0].children[0] == trees.ParsedTree(2, "It")
  vocab = {w: i for i, w in enumerate(["It", "'s", "good", ".", "Not", "bad", "at", "all"])}
  first, second = bracketed_trees.read_labelled_trees(sst_file, vocab)
  # Post-order: It, 's, good, ('s good), ., ((..) .), root.
  np.testing.assert_array_equal(first.tokens, [0, 1, 2, -1, 3, -1, -1])
  np.testing.assert_array_equal(first.labels, [2, 2, 3, 3, 2, 4, 3])
  np.testing.assert_array_equal(first.children, [[-1, -1], [-1, -1], [-1, -1], [1, 2], [-1, -1],
                                                 [3, 4], [0, 5]])
  assert second.labels[-1] == 1 and second.num_nodes == 7
  batch = trees.batch_trees([first, second], max_children=2)
  assert batch.labels.shape == (2, 7)


@pytest.mark.parametrize("line, message", [
    ("(3 (2 It) (4 good)", r"unbalanced brackets: 1 '\(' not closed"),
    ("(3 (2 It) (4 good)))", r"unexpected '\)' after the end of the tree"),
    ("(3 ((2 It) (4 good)))", r"missing label after '\('"),
    ("(3 (It) (4 good))", r"label 'It' is not a non-negative integer"),
    ("(3 (2) (4 good))", r"node with label 2 has neither a word nor children"),
    ("(3 (2 It is) (4 good))",
     r"node with label 2 mixes words and children or has several words \['It', 'is'\]"),
    ("good (3 (2 It))", r"a tree starts with '\('"),
])
def test_errors_name_the_file_and_line(tmp_path, line, message):
  path = tmp_path / "dev.txt"
  path.write_text(SST[0] + "\n\n" + line + "\n", encoding="utf-8")
  with pytest.raises(ValueError, match=rf"dev.txt:3: {message}"):
    bracketed_trees.read_bracketed_trees(path)


def test_empty_file_and_unknown_words_raise(tmp_path):
  path = tmp_path / "empty.txt"
  path.write_text("\n  \n", encoding="utf-8")
  with pytest.raises(ValueError, match=r"empty.txt: empty file, no trees"):
    bracketed_trees.read_bracketed_trees(path)
  with pytest.raises(ValueError, match=r"empty.txt: empty file, no trees"):
    bracketed_trees.read_labelled_trees(path, {})
  path.write_text(SST[0] + "\n", encoding="utf-8")
  with pytest.raises(KeyError):
    bracketed_trees.read_labelled_trees(path, {"It": 0})


@pytest.mark.parametrize("read", [bracketed_trees.read_bracketed_trees,
                                  lambda path: bracketed_trees.read_labelled_trees(path, {})])
def test_latin1_binary_missing_or_directory_file_is_named(tmp_path, read):
  # Issue 18 item 8, the same fault as data.text_files: a raw UnicodeDecodeError / OSError.
  path = tmp_path / "dev.txt"
  path.write_bytes(f"{SST[0]}\n(1 caf\u00e9)\n".encode("latin-1"))
  with pytest.raises(ValueError, match=r"dev.txt' is not UTF-8 text: line 2, column 7 holds "
                                       r"b'\\xe9"):
    read(path)
  with pytest.raises(ValueError, match=r"nope.txt' does not exist"):
    read(tmp_path / "nope.txt")
  with pytest.raises(ValueError, match=r"is a directory"):
    read(tmp_path)
