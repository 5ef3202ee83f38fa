"""Tests of the sentence grammar."""
from rnnlab.data.speech import alphabet
from rnnlab.data.speech import sentences


def test_distinct_deterministic_normalised_and_excludes():
  a = sentences.generate_sentences(300, seed=0)
  assert len(set(a)) == 300
  assert a == sentences.generate_sentences(300, seed=0)
  assert a != sentences.generate_sentences(300, seed=1)
  assert all(s == alphabet.normalize_transcript(s) for s in a)
  b = sentences.generate_sentences(300, seed=1, exclude=frozenset(a))
  assert not set(a) & set(b)
  # Varied text: many distinct words and every letter of the alphabet.
  words = {w for s in a for w in s.split()}
  assert len(words) > 150
  assert set("".join(a)) >= set("abcdefghijklmnopqrstuvwy '")
