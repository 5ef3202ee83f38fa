"""Spoken forms of real prose: numbers and dates read out, non-prose dropped."""
import pytest

from rnnlab.data.speech import alphabet
from rnnlab.data.speech import prose_sentences


@pytest.mark.parametrize("written,spoken", [
    ("The epoch is January 1, 1970 at midnight.",
     "the epoch is january first nineteen seventy at midnight"),
    ("It was released on 3 March 2008.", "it was released on march third two thousand and eight"),
    ("It grew by 50% in the 2nd year.", "it grew by fifty percent in the second year"),
    ("Pi is roughly 3.14 and 1,000 is large.",
     "pi is roughly three point one four and one thousand is large"),
    ("New in Python 2.5, it's also guaranteed.",
     "new in python two point five it's also guaranteed"),
    ("Only 21 of the 365 days had rain.", "only twenty one of the three hundred and sixty five "
                                          "days had rain"),
])
def test_numbers_and_dates_are_read_out(written, spoken):
  assert prose_sentences.spoken_form(written) == spoken
  assert alphabet.normalize_transcript(spoken) == spoken  # already in the alphabet


@pytest.mark.parametrize("sentence", [
    "Call x.append(y) to add it.",  # code
    "Set the flag to utf8 here.",  # letters and digits mixed
    "Return the str of the cls object.",  # vowel-less words
    "Too short.",
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen.",
    "This is an internationalization-free incomprehensibilities sentence.",  # a 20-letter word
])
def test_non_prose_is_dropped(sentence):
  assert prose_sentences.spoken_form(sentence) is None


def test_sentences_of_splits_paragraphs_and_drops_duplicates():
  documents = ["The cat sat on the mat. The dog ran to the park!\nThe cat sat on the mat.",
               "Use f(x) here. We met at 9 on the 2nd day."]
  assert prose_sentences.sentences_of(documents) == [
      "the cat sat on the mat", "the dog ran to the park",
      "we met at nine on the second day"]

