"""PTB/WikiText-layout files: reading, and errors naming the bad path."""
import pytest

from rnnlab.data import text_files


def _write(folder, **texts):
  folder.mkdir(exist_ok=True)
  for split, text in texts.items():
    (folder / f"{split}.txt").write_text(text, encoding="utf-8")


def test_reads_three_splits_line_by_line(tmp_path):
  _write(tmp_path, train=" a b \n c d \n", valid="e\n", test="f g")
  corpus = text_files.load_text_files(str(tmp_path))
  assert list(corpus.documents("train")) == [" a b ", " c d "]
  assert corpus.text("train") == " a b \n c d \n"
  assert corpus.text("test") == "f g\n"
  assert corpus.name.startswith("files:")


def test_missing_folder_and_file_raise_with_path(tmp_path):
  with pytest.raises(ValueError, match="does not exist; it must hold"):
    text_files.load_text_files(str(tmp_path / "nope"))
  _write(tmp_path, train="a\n", valid="b\n")
  with pytest.raises(ValueError, match=f"{tmp_path}/test.txt' does not exist"):
    text_files.load_text_files(str(tmp_path))


def test_empty_file_raises_with_path(tmp_path):
  _write(tmp_path, train="a\n", valid=" \n\n", test="c\n")
  with pytest.raises(ValueError, match=f"{tmp_path}/valid.txt' is empty"):
    text_files.load_text_files(str(tmp_path))


def test_latin1_or_binary_file_raises_with_path_and_line(tmp_path):
  _write(tmp_path, train="a\n", valid="b\n", test="c\n")
  (tmp_path / "train.txt").write_bytes("first line\ncaf\u00e9 au lait\n".encode("latin-1"))
  with pytest.raises(ValueError, match=r"train.txt' is not UTF-8 text: line 2, column 4 holds b'\\xe9"):
    text_files.load_text_files(str(tmp_path))
  (tmp_path / "train.txt").write_bytes(bytes(range(256)))
  with pytest.raises(ValueError, match=r"train.txt' is not UTF-8 text: line 2, column 118 holds b'\\x80"):
    text_files.load_text_files(str(tmp_path))


def test_directory_in_place_of_a_file_raises_with_path(tmp_path):
  _write(tmp_path, train="a\n", valid="b\n")
  (tmp_path / "test.txt").mkdir()
  with pytest.raises(ValueError, match=f"{tmp_path}/test.txt' is a directory"):
    text_files.load_text_files(str(tmp_path))


def test_windows_line_endings_read_as_lines(tmp_path):
  _write(tmp_path, train="a b\r\nc\r\n", valid="b\n", test="c\n")
  assert list(text_files.load_text_files(str(tmp_path)).documents("train")) == ["a b", "c"]
