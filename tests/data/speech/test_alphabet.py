"""Tests of the speech alphabet."""
import numpy as np
import pytest

from rnnlab.data.speech import alphabet


def test_round_trip_and_ids():
  a = alphabet.Alphabet()
  ids = a.encode("it's a cat")
  assert ids.dtype == np.int32 and ids.min() >= 1
  assert a.decode(ids) == "it's a cat"
  assert a.vocab_size == 29 and a.blank_id == 0
  assert a.decode([0, ids[0], 0]) == "i"


def test_normalize():
  assert alphabet.normalize_transcript("  Hello,  World-wide!  ") == "hello world wide"
  assert alphabet.normalize_transcript("DON'T 42") == "don't"


def test_bad_input():
  a = alphabet.Alphabet()
  with pytest.raises(ValueError, match=r"characters \['!', 'H'\] outside"):
    a.encode("Hi!")
  with pytest.raises(ValueError, match="Label id 40"):
    a.decode([40])
  with pytest.raises(ValueError, match="unique"):
    alphabet.Alphabet("aa")


def test_characters_outside_counts_what_normalisation_replaces():
  assert alphabet.characters_outside("It's 5-0!") == {"5": 1, "-": 1, "0": 1, "!": 1}
  assert not alphabet.characters_outside("THE CAT'S HAT")  # case is not counted
  assert alphabet.characters_outside("café, café") == {"é": 2, ",": 1}
