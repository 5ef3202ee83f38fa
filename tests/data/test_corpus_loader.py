"""load_corpus: dispatch by name, and errors for bad names and paths."""
import pytest
import tensorflow_datasets as tfds

from rnnlab.data import corpus_loader


def test_files_and_tfds_dispatch(tmp_path):
  for split in ("train", "valid", "test"):
    (tmp_path / f"{split}.txt").write_text(f"{split} words\n")
  corpus = corpus_loader.load_corpus("files", path=str(tmp_path))
  assert corpus.text("valid") == "valid words\n"
  with tfds.testing.mock_data(num_examples=2):
    assert len(corpus_loader.load_corpus("tiny_shakespeare").documents("train")) == 2


def test_bad_arguments_raise(tmp_path):
  with pytest.raises(ValueError, match="needs data.path"):
    corpus_loader.load_corpus("files")
  with pytest.raises(ValueError, match="Unknown dataset 'ptb'; allowed: .*'files'"):
    corpus_loader.load_corpus("ptb")
  with pytest.raises(ValueError, match="only for dataset='files'"):
    corpus_loader.load_corpus("lm1b", path=str(tmp_path))
