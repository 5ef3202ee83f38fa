"""Word tokenizer: PTB conventions (<eos> per newline, <unk>), vocabulary order, caps."""
import numpy as np
import pytest

from rnnlab.data import word_tokenizer

PTB_LIKE = " the cat sat on the mat \n the dog <unk> the cat \n"


def test_vocabulary_from_train_with_specials_first():
  tok = word_tokenizer.WordTokenizer.fit(PTB_LIKE)
  # 'the' x4, 'cat' x2, then the count-1 words alphabetically; PTB's own <unk> is the special.
  assert tok.vocabulary.tokens == ("<unk>", "<eos>", "the", "cat", "dog", "mat", "on", "sat")


def test_newline_is_eos_and_round_trip():
  tok = word_tokenizer.WordTokenizer.fit(PTB_LIKE)
  ids = tok.encode("the cat sat\nthe mat\n")
  words = [tok.vocabulary.tokens[i] for i in ids]
  assert words == ["the", "cat", "sat", "<eos>", "the", "mat", "<eos>"]
  assert ids.dtype == np.int32
  assert tok.decode(ids) == "the cat sat\nthe mat\n"
  assert tok.decode(tok.encode("the cat")) == "the cat"


def test_unseen_words_become_unk_or_raise():
  tok = word_tokenizer.WordTokenizer.fit(PTB_LIKE)
  ids = tok.encode("the zebra sat\n")
  assert ids.tolist() == [2, 0, 7, 1]
  with pytest.raises(ValueError, match=r"\['aardvark', 'zebra'\]"):
    tok.encode("zebra the aardvark", on_unseen="error")


def test_size_caps():
  tok = word_tokenizer.WordTokenizer.fit(PTB_LIKE, max_size=4)
  assert tok.vocabulary.tokens == ("<unk>", "<eos>", "the", "cat")
  tok = word_tokenizer.WordTokenizer.fit(PTB_LIKE, min_count=2)
  assert tok.vocabulary.tokens == ("<unk>", "<eos>", "the", "cat")


def test_bad_inputs_raise():
  with pytest.raises(ValueError, match="no words"):
    word_tokenizer.WordTokenizer.fit(" \n <unk> \n")
  with pytest.raises(ValueError, match="max_size must be >= 3"):
    word_tokenizer.WordTokenizer.fit(PTB_LIKE, max_size=2)
  with pytest.raises(ValueError, match="min_count must be >= 1"):
    word_tokenizer.WordTokenizer.fit(PTB_LIKE, min_count=0)
  tok = word_tokenizer.WordTokenizer.fit(PTB_LIKE)
  with pytest.raises(ValueError, match=r"Token id 99 out of range"):
    tok.decode([2, 99])
