"""Local TSV classification files: classes from train, errors name file:line."""
import pytest

from rnnlab.data.classification import tsv_files


def _write(folder, train="pos\tgood film\nneg\tbad film\n", validation="neg\tawful\n",
           test="pos\tgreat\n\nneg\tdull plot\n"):
  for name, text in (("train.tsv", train), ("validation.tsv", validation), ("test.tsv", test)):
    (folder / name).write_text(text, encoding="utf-8")
  return str(folder)


def test_reads_splits_with_sorted_class_names(tmp_path):
  path = _write(tmp_path)
  texts, labels, names = tsv_files.load_tsv_split(path, "test")
  assert names == ("neg", "pos")
  assert texts == ["great", "dull plot"] and labels == [1, 0]
  assert tsv_files.load_tsv_split(path, "train")[:2] == (["good film", "bad film"], [1, 0])


@pytest.mark.parametrize("test_text, message", [
    ("pos\tgreat\nno tab here\n", r"test.tsv:2: no tab"),
    ("pos\tgreat\n\t text\n", r"test.tsv:2: empty label"),
    ("pos\tgreat\n\nneg\t  \n", r"test.tsv:3: empty text"),
    ("pos\tgreat\nmeh\tso so\n", r"test.tsv:2: label 'meh' is not in train.tsv; allowed: \['neg', 'pos'\]"),
    ("\n\n", r"test.tsv has no examples"),
])
def test_bad_lines_name_file_and_line(tmp_path, test_text, message):
  path = _write(tmp_path, test=test_text)
  with pytest.raises(ValueError, match=message):
    tsv_files.load_tsv_split(path, "test")


def test_missing_file_and_unknown_split(tmp_path):
  with pytest.raises(ValueError, match=r"train.tsv does not exist"):
    tsv_files.load_tsv_split(str(tmp_path), "train")
  with pytest.raises(ValueError, match=r"unknown split 'valid'"):
    tsv_files.load_tsv_split(_write(tmp_path), "valid")


def test_latin1_binary_or_directory_in_place_of_a_file_is_named(tmp_path):
  # Issue 18 item 8, the fault data.text_files had: a raw UnicodeDecodeError / IsADirectoryError.
  path = _write(tmp_path)
  (tmp_path / "test.tsv").write_bytes("pos\tgreat\nneg\tcaf\u00e9 au lait\n".encode("latin-1"))
  with pytest.raises(ValueError, match=r"test.tsv' is not UTF-8 text: line 2, column 8 holds "
                                       r"b'\\xe9"):
    tsv_files.load_tsv_split(path, "test")
  (tmp_path / "test.tsv").write_bytes(bytes(range(256)))
  with pytest.raises(ValueError, match=r"test.tsv' is not UTF-8 text: line 2, column 118"):
    tsv_files.load_tsv_split(path, "test")
  (tmp_path / "test.tsv").unlink()
  (tmp_path / "test.tsv").mkdir()
  with pytest.raises(ValueError, match=r"test.tsv' is a directory"):
    tsv_files.load_tsv_split(path, "test")
