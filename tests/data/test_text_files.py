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
