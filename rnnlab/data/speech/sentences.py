"""Varied English sentences for the embedded speech set, from a seeded template grammar.

Sentences mix everyday statements, commands, questions, numbers, times and dates
(spelled out with num2words), so the character inventory and word lengths vary. All
text is already normalised (lower case, letters, apostrophe and single spaces).
"""
import numpy as np
import num2words

_NAMES = ("anna", "peter", "maria", "james", "lucy", "david", "sarah", "tom", "emma", "oliver",
          "grace", "henry", "julia", "kevin", "laura", "michael", "nina", "oscar", "paula",
          "victor")
_ADJECTIVES = ("small", "large", "red", "blue", "green", "quiet", "loud", "old", "new", "bright",
               "dark", "heavy", "light", "warm", "cold", "happy", "tired", "clever", "yellow",
               "broken", "empty", "strange", "gentle", "famous", "wooden", "silver")
_NOUNS = ("dog", "cat", "house", "car", "river", "garden", "teacher", "doctor", "window", "letter",
          "table", "book", "train", "city", "mountain", "bottle", "phone", "bridge", "kitchen",
          "student", "market", "forest", "engine", "picture", "basket", "island", "village",
          "horse", "farmer", "lamp", "machine", "ticket", "jacket", "museum", "station", "boat")
_PLACES = ("the kitchen", "the station", "the park", "the office", "the library", "the beach",
           "the market", "the garden", "the hospital", "the airport", "school", "work", "home")
_VERBS_PAST = ("found", "painted", "moved", "opened", "cleaned", "watched", "carried", "bought",
               "sold", "fixed", "visited", "followed", "lost", "noticed", "pushed", "washed")
_VERBS_BASE = ("open", "close", "bring", "find", "check", "clean", "call", "move", "play", "stop",
               "start", "read", "write", "send", "take", "show")
_ROOMS = ("kitchen", "bedroom", "living room", "bathroom", "hallway", "garage", "office")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_UNITS = ("minutes", "hours", "days", "weeks", "meters", "kilograms", "dollars", "euros",
          "pages", "miles")
_WEATHER = ("sunny", "cloudy", "rainy", "windy", "foggy", "cold", "hot", "stormy")
_ADVERBS = ("slowly", "quickly", "carefully", "quietly", "again", "today", "yesterday",
            "tomorrow", "early", "later")


def _words(n: int) -> str:
  return num2words.num2words(n).replace("-", " ").replace(",", "")


def _ordinal(n: int) -> str:
  return num2words.num2words(n, to="ordinal").replace("-", " ")


def _pick(rng: np.random.Generator, options):
  return options[int(rng.integers(len(options)))]


def _sentence(rng: np.random.Generator) -> str:
  p = lambda options: _pick(rng, options)  # noqa: E731
  kind = int(rng.integers(14))
  if kind == 0:
    return f"the {p(_ADJECTIVES)} {p(_NOUNS)} is near {p(_PLACES)}"
  if kind == 1:
    return f"{p(_NAMES)} {p(_VERBS_PAST)} the {p(_ADJECTIVES)} {p(_NOUNS)} {p(_ADVERBS)}"
  if kind == 2:
    return f"please {p(_VERBS_BASE)} the {p(_NOUNS)} in the {p(_ROOMS)}"
  if kind == 3:
    return f"set a timer for {_words(int(rng.integers(1, 60)))} {p(('minutes', 'seconds'))}"
  if kind == 4:
    return f"call {p(_NAMES)} at {_words(int(rng.integers(1, 13)))} o'clock on {p(_WEEKDAYS)}"
  if kind == 5:
    return f"the meeting is on the {_ordinal(int(rng.integers(1, 29)))} of {p(_MONTHS)}"
  if kind == 6:
    return f"it costs {_words(int(rng.integers(2, 1000)))} {p(_UNITS)}"
  if kind == 7:
    return f"where did {p(_NAMES)} put the {p(_NOUNS)}"
  if kind == 8:
    return f"it will be {p(_WEATHER)} in the {p(('morning', 'afternoon', 'evening'))}"
  if kind == 9:
    return f"turn {p(('on', 'off'))} the lights in the {p(_ROOMS)}"
  if kind == 10:
    return (f"{p(_NAMES)} and {p(_NAMES)} went to {p(_PLACES)} "
            f"on {p(_WEEKDAYS)}")
  if kind == 11:
    return f"we need {_words(int(rng.integers(2, 20)))} {p(_ADJECTIVES)} {p(_NOUNS)}s"
  if kind == 12:
    return f"don't forget the {p(_NOUNS)} it's {p(_ADVERBS)}"
  return f"how many {p(_NOUNS)}s did the {p(_NOUNS)} see {p(_ADVERBS)}"


def generate_sentences(num: int, seed: int, exclude: frozenset[str] = frozenset()
                       ) -> list[str]:
  """Returns ``num`` distinct sentences, none of them in ``exclude``.

  Deterministic in ``seed``. Raises ValueError if the grammar cannot supply that many.
  """
  rng = np.random.default_rng(seed)
  out, seen = [], set(exclude)
  attempts = 0
  while len(out) < num:
    attempts += 1
    if attempts > 50 * num + 1000:
      raise ValueError(f"Could not draw {num} distinct sentences (got {len(out)}).")
    s = _sentence(rng)
    if s not in seen:
      seen.add(s)
      out.append(s)
  return out
