"""Vocabulary: JSON round trip in a run dir, no overwrite, mismatch checks."""
import os

import pytest

from rnnlab.data import vocabulary


def _vocab(tokens=("<unk>", "<eos>", "a", "b"), kind="word"):
  return vocabulary.Vocabulary(kind=kind, tokens=tokens)


def test_save_load_round_trip(tmp_path):
  v = _vocab()
  path = vocabulary.save_vocabulary(v, str(tmp_path / "run"))
  assert path == str(tmp_path / "run" / "vocab.json")
  loaded = vocabulary.load_vocabulary(str(tmp_path / "run"))
  assert loaded == v and loaded.fingerprint == v.fingerprint
  assert loaded.token_to_id == {"<unk>": 0, "<eos>": 1, "a": 2, "b": 3}
  vocabulary.save_vocabulary(v, str(tmp_path / "run"))  # same vocabulary: no-op


def test_different_vocabulary_is_not_overwritten(tmp_path):
  vocabulary.save_vocabulary(_vocab(), str(tmp_path))
  before = (tmp_path / "vocab.json").read_text()
  with pytest.raises(ValueError, match="mismatch"):
    vocabulary.save_vocabulary(_vocab(("<unk>", "<eos>", "a", "c")), str(tmp_path))
  assert (tmp_path / "vocab.json").read_text() == before


def test_mismatch_checks_name_both_sides():
  v = _vocab()
  vocabulary.check_vocabulary_matches(v, vocab_size=4, fingerprint=v.fingerprint)
  with pytest.raises(ValueError, match="vocabulary size 5.*has 4 tokens"):
    vocabulary.check_vocabulary_matches(v, vocab_size=5)
  with pytest.raises(ValueError, match="made with vocabulary 0123456789abcdef"):
    vocabulary.check_vocabulary_matches(v, fingerprint="0123456789abcdef")


def test_fingerprint_depends_on_kind_and_order():
  assert _vocab().fingerprint != _vocab(("<unk>", "<eos>", "b", "a")).fingerprint
  assert _vocab(("<unk>", "a")).fingerprint != _vocab(("<unk>", "a"), kind="char").fingerprint


def test_bad_inputs_raise(tmp_path):
  with pytest.raises(ValueError, match="unique; duplicated: \\['a'\\]"):
    _vocab(("<unk>", "a", "a"))
  with pytest.raises(ValueError, match="must contain '<unk>'"):
    _vocab(("a", "b"))
  with pytest.raises(ValueError, match="Unknown vocabulary kind 'byte'"):
    _vocab(kind="byte")
  with pytest.raises(ValueError, match="No vocabulary at"):
    vocabulary.load_vocabulary(str(tmp_path))
  vocabulary.save_vocabulary(_vocab(), str(tmp_path))
  path = os.path.join(str(tmp_path), "vocab.json")
  with open(path) as f:
    text = f.read()
  with open(path, "w") as f:
    f.write(text.replace('"b"', '"z"'))
  with pytest.raises(ValueError, match="edited or corrupted"):
    vocabulary.load_vocabulary(str(tmp_path))
