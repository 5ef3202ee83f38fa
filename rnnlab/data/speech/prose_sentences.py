"""Open-vocabulary sentences for speech, taken from the embedded LM corpus's real prose.

The corpus is ``rnnlab_pydoc_prose`` (CPython's documentation, built offline;
``rnnlab.data.pydoc_prose``), whose train / valid / test documents give the speech set's
train / validation / test sentences, so no sentence (nor document) is shared between
splits. ``spoken_form`` turns a sentence into what a reader says, in the alphabet of
``alphabet.py``: numbers and dates are kept and read out as words with num2words
("January 1, 1970" -> "january first nineteen seventy", "3.14" -> "three point one
four", "50%" -> "fifty percent", "2nd" -> "second", "1,000" -> "one thousand").
Sentences that are not readable prose are dropped: code-like symbols (``_ = ( ) [ ] { }
< > * / \\ @ # $ | ~`` and backquotes), tokens mixing letters and digits (``utf8``),
vowel-less words longer than one letter (``str``, ``cls``), words over 15 letters, fewer
than ``min_words`` or more than ``max_words`` words.
"""
import re

import num2words

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = r"(" + "|".join(m.capitalize() for m in _MONTHS) + r")"
_CODE_LIKE = re.compile(r"[_=()\[\]{}<>*/\\@#$|~`^]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_DATE_MDY = re.compile(_MONTH + r" (\d{1,2}), (\d{4})\b")
_DATE_DMY = re.compile(r"\b(\d{1,2}) " + _MONTH + r" (\d{4})\b")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s?%")
_DECIMAL = re.compile(r"\b(\d+)\.(\d+)\b")
_GROUPED = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_YEAR = re.compile(r"\b(1[1-9]\d\d|20\d\d)\b")
_INTEGER = re.compile(r"\b\d+\b")
_ALNUM_MIX = re.compile(r"\b(?=\w*\d)(?=\w*[a-zA-Z])\w+\b")
_VOWEL = re.compile(r"[aeiouy]")
_SPACES = re.compile(r" +")
_MAX_WORD_LETTERS = 15


def _words(text: str) -> str:
  return " " + text.replace("-", " ").replace(",", "") + " "


def _cardinal(n: str) -> str:
  return _words(num2words.num2words(int(n)))


def _ordinal(n: str) -> str:
  return _words(num2words.num2words(int(n), to="ordinal"))


def _year(n: str) -> str:
  return _words(num2words.num2words(int(n), to="year"))


def _date(month: str, day: str, year: str) -> str:
  return f" {month.lower()}{_ordinal(day)}{_year(year)}"


def read_numbers(text: str) -> str:
  """Replaces dates, ordinals, percentages, decimals and integers by their words."""
  text = _DATE_MDY.sub(lambda m: _date(m[1], m[2], m[3]), text)
  text = _DATE_DMY.sub(lambda m: _date(m[2], m[1], m[3]), text)
  text = _ORDINAL.sub(lambda m: _ordinal(m[1]), text)
  text = _PERCENT.sub(lambda m: read_numbers(m[1]) + " percent ", text)
  text = _DECIMAL.sub(lambda m: _cardinal(m[1]) + " point " + " ".join(
      num2words.num2words(int(d)) for d in m[2]) + " ", text)
  text = _GROUPED.sub(lambda m: _cardinal(m[0].replace(",", "")), text)
  text = _YEAR.sub(lambda m: _year(m[1]), text)
  return _INTEGER.sub(lambda m: _cardinal(m[0]), text)


def spoken_form(sentence: str, min_words: int = 4, max_words: int = 16) -> str | None:
  """The normalised transcript of ``sentence`` as read aloud, or None if not readable prose.

  The result holds only the alphabet's characters (lower-case letters, apostrophe,
  single spaces).
  """
  if _CODE_LIKE.search(sentence):
    return None
  text = read_numbers(sentence)
  if _ALNUM_MIX.search(text):  # after "2nd" -> "second"
    return None
  text = text.lower()
  text = re.sub(r"[^ 'a-z]", " ", text)
  text = _SPACES.sub(" ", text.replace(" '", " ").replace("' ", " ")).strip(" '")
  words = text.split(" ")
  if not min_words <= len(words) <= max_words:
    return None
  for word in words:
    letters = word.replace("'", "")
    if not letters or len(letters) > _MAX_WORD_LETTERS:
      return None
    if len(letters) > 1 and not _VOWEL.search(letters):
      return None
  return text


def sentences_of(documents, min_words: int = 4, max_words: int = 16) -> list[str]:
  """Distinct spoken-form sentences of ``documents`` (strings), in document order."""
  out, seen = [], set()
  for document in documents:
    for paragraph in document.split("\n"):
      for sentence in _SENTENCE_END.split(paragraph.strip()):
        text = spoken_form(sentence, min_words, max_words)
        if text and text not in seen:
          seen.add(text)
          out.append(text)
  return out
