"""Character tokenizer: round trip, unseen characters, <unk>, decode range."""
import re

import numpy as np
import pytest

from rnnlab.data import char_tokenizer

TRAIN = "The quick brown fox.\nJumps over the lazy dog!\n"


def test_round_trip_and_ids():
  tok = char_tokenizer.CharTokenizer.fit(TRAIN)
  assert tok.vocabulary.tokens[0] == "<unk>"
  assert list(tok.vocabulary.tokens[1:]) == sorted(set(TRAIN))
  ids = tok.encode(TRAIN)
  assert ids.dtype == np.int32 and ids.shape == (len(TRAIN),)
  assert tok.decode(ids) == TRAIN
  assert tok.decode(list(ids[:3])) == TRAIN[:3]


def test_unseen_characters_raise_listing_them():
  tok = char_tokenizer.CharTokenizer.fit(TRAIN)
  with pytest.raises(ValueError, match=re.escape("char vocabulary: ['Q', 'é']")):
    tok.encode("Quiz é the")
  assert tok.unseen("Quiz é the") == ("Q", "é")


def test_unseen_characters_map_to_unk_on_request():
  tok = char_tokenizer.CharTokenizer.fit(TRAIN)
  ids = tok.encode("a€b", on_unseen="unk")
  assert ids[1] == tok.vocabulary.unk_id
  assert tok.decode(ids) == "a\ufffdb"


def test_bad_inputs_raise():
  tok = char_tokenizer.CharTokenizer.fit(TRAIN)
  with pytest.raises(ValueError, match="on_unseen must be one of"):
    tok.encode("a", on_unseen="skip")
  with pytest.raises(ValueError, match=r"Token ids must be in \[0, "):
    tok.decode([0, tok.vocab_size])
  with pytest.raises(ValueError, match="empty train text"):
    char_tokenizer.CharTokenizer.fit("")
