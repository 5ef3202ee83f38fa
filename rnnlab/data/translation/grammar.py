"""English -> French sentences about quantities and dates, generated offline.

The embedded translation corpus is made of sentences such as

  en: "We sold twenty-one small red cars and one white horse on Monday, March third,
       nineteen oh-five."
  fr: "Nous avons vendu vingt et une petites voitures rouges et un cheval blanc le lundi
       trois mars mille neuf cent cinq."

They carry the phenomena that make translation more than word substitution:

* numbers written out by ``num2words``: French vigesimal counting (97 -> "quatre-vingt-dix-sept"),
  "et un", invariable "mille", plural "cents"/"quatre-vingts" only when final, "un million" but
  bare "cent"/"mille", English "and" inside numbers and year readings ("nineteen oh-five");
* agreement: gender and number of the noun drive the article-like "un"/"une", the final "un" of
  a number ("vingt et une pommes"), and adjective endings ("blanc/blanche/blancs/blanches");
  irregular plurals ("chevaux", "journaux");
* reordering: most French adjectives follow the noun ("red cars" -> "voitures rouges"), a few
  precede it ("small" -> "petites"); dates move the day before the month; round millions take
  "de" ("deux millions de pommes");
* real calendar facts: the weekday of a date is computed, month/day names come from ``babel``.

Numbers are drawn log-uniformly (1 to 9 digits), and a sentence holds one or more noun
phrases plus an optional date, so source lengths have a long tail (3 to ~100 tokens).
Everything here is a pure function of a ``numpy.random.Generator``.
"""
import dataclasses
import datetime

import babel.dates
import numpy as np
from num2words import num2words


@dataclasses.dataclass(frozen=True)
class Noun:
  en_singular: str
  en_plural: str
  fr_singular: str
  fr_plural: str
  feminine: bool


@dataclasses.dataclass(frozen=True)
class Adjective:
  """A French adjective with its four forms (masc. sg., fem. sg., masc. pl., fem. pl.)."""
  en: str
  fr_forms: tuple[str, str, str, str]
  before_noun: bool = False

  def french(self, feminine: bool, plural: bool) -> str:
    return self.fr_forms[2 * int(plural) + int(feminine)]


NOUNS = (
    Noun("apple", "apples", "pomme", "pommes", True),
    Noun("book", "books", "livre", "livres", False),
    Noun("house", "houses", "maison", "maisons", True),
    Noun("cat", "cats", "chat", "chats", False),
    Noun("car", "cars", "voiture", "voitures", True),
    Noun("bottle", "bottles", "bouteille", "bouteilles", True),
    Noun("horse", "horses", "cheval", "chevaux", False),
    Noun("newspaper", "newspapers", "journal", "journaux", False),
    Noun("key", "keys", "clé", "clés", True),
    Noun("chair", "chairs", "chaise", "chaises", True),
    Noun("tree", "trees", "arbre", "arbres", False),
    Noun("bird", "birds", "oiseau", "oiseaux", False),
    Noun("flower", "flowers", "fleur", "fleurs", True),
    Noun("glass", "glasses", "verre", "verres", False),
)

ADJECTIVES = (
    Adjective("red", ("rouge", "rouge", "rouges", "rouges")),
    Adjective("green", ("vert", "verte", "verts", "vertes")),
    Adjective("white", ("blanc", "blanche", "blancs", "blanches")),
    Adjective("black", ("noir", "noire", "noirs", "noires")),
    Adjective("blue", ("bleu", "bleue", "bleus", "bleues")),
    Adjective("broken", ("cassé", "cassée", "cassés", "cassées")),
    Adjective("heavy", ("lourd", "lourde", "lourds", "lourdes")),
    Adjective("expensive", ("cher", "chère", "chers", "chères")),
    Adjective("small", ("petit", "petite", "petits", "petites"), before_noun=True),
    Adjective("big", ("grand", "grande", "grands", "grandes"), before_noun=True),
)

# (English subject + verb, French subject + auxiliary + participle). Passé composé with
# "avoir": the participle does not agree with the subject.
SUBJECT_VERBS = (
    ("I bought", "J'ai acheté"),
    ("We sold", "Nous avons vendu"),
    ("They found", "Ils ont trouvé"),
    ("She counted", "Elle a compté"),
    ("You ordered", "Vous avez commandé"),
    ("He saw", "Il a vu"),
)


def english_number(n: int) -> str:
  """Cardinal in English words, e.g. 342 -> "three hundred and forty-two"."""
  return num2words(n, lang="en")


def french_number(n: int, feminine: bool = False) -> str:
  """Cardinal in French words; a final "un" becomes "une" before a feminine noun."""
  words = num2words(n, lang="fr")
  if feminine:
    head, sep, last = words.rpartition(" ") if " " in words else ("", "", words)
    pre, hyphen, final = last.rpartition("-")
    if final == "un":
      last = pre + hyphen + "une"
    words = head + sep + last
  return words


def noun_phrase(n: int, noun: Noun, adjectives: tuple[Adjective, ...]) -> tuple[str, str]:
  """``n`` ``adjectives`` ``noun`` in English and French, with agreement and reordering."""
  if n < 1:
    raise ValueError(f"noun_phrase needs n >= 1, got {n}")
  plural = n > 1
  en_words = [english_number(n)] + [a.en for a in adjectives]
  en_words.append(noun.en_plural if plural else noun.en_singular)
  fr_words = [french_number(n, noun.feminine)]
  if n % 1_000_000 == 0:  # "deux millions de pommes": million is a noun and takes "de".
    fr_words.append("de")
  fr_words += [a.french(noun.feminine, plural) for a in adjectives if a.before_noun]
  fr_words.append(noun.fr_plural if plural else noun.fr_singular)
  fr_words += [a.french(noun.feminine, plural) for a in adjectives if not a.before_noun]
  return " ".join(en_words), " ".join(fr_words)


def date_phrase(date: datetime.date, with_weekday: bool) -> tuple[str, str]:
  """"on Monday, March third, twenty twenty-one" / "le lundi trois mars deux mille vingt et un"."""
  en_month = babel.dates.get_month_names("wide", locale="en")[date.month]
  fr_month = babel.dates.get_month_names("wide", locale="fr")[date.month]
  en_day = num2words(date.day, lang="en", to="ordinal")
  fr_day = "premier" if date.day == 1 else french_number(date.day)
  en_year = num2words(date.year, lang="en", to="year")
  fr_year = french_number(date.year)
  en = f"{en_month} {en_day}, {en_year}"
  fr = f"{fr_day} {fr_month} {fr_year}"
  if with_weekday:
    en = babel.dates.get_day_names("wide", locale="en")[date.weekday()] + ", " + en
    fr = babel.dates.get_day_names("wide", locale="fr")[date.weekday()] + " " + fr
  return "on " + en, "le " + fr


def sample_number(rng: np.random.Generator, max_digits: int = 9) -> int:
  """Log-uniform positive integer: a digit count in [1, max_digits], then uniform within it.

  One draw in ten is rounded to whole millions (when it has that many digits), so "de" after
  "millions" is seen in training.
  """
  digits = int(rng.integers(1, max_digits + 1))
  n = int(rng.integers(10 ** (digits - 1), 10**digits))
  if digits >= 7 and rng.random() < 0.1:
    n = (n // 1_000_000) * 1_000_000
  if digits == 1 and rng.random() < 0.3:
    n = 1  # singular agreement is frequent enough to be learnt
  return n


def sample_noun_phrase(rng: np.random.Generator, max_digits: int = 9) -> tuple[str, str]:
  noun = NOUNS[int(rng.integers(len(NOUNS)))]
  num_adjectives = int(rng.choice(3, p=(0.4, 0.4, 0.2)))
  picked = rng.choice(len(ADJECTIVES), size=num_adjectives, replace=False)
  # At most one adjective of each position keeps the English order natural.
  adjectives, seen_positions = [], set()
  for i in sorted(int(i) for i in picked):
    if ADJECTIVES[i].before_noun not in seen_positions:
      seen_positions.add(ADJECTIVES[i].before_noun)
      adjectives.append(ADJECTIVES[i])
  # English order: size before colour/quality ("small red cars").
  adjectives.sort(key=lambda a: not a.before_noun)
  return noun_phrase(sample_number(rng, max_digits), noun, tuple(adjectives))


def sample_date(rng: np.random.Generator) -> datetime.date:
  start = datetime.date(1800, 1, 1).toordinal()
  stop = datetime.date(2099, 12, 31).toordinal()
  return datetime.date.fromordinal(int(rng.integers(start, stop + 1)))


def sample_sentence(rng: np.random.Generator, max_noun_phrases: int = 4,
                    max_digits: int = 9, date_probability: float = 0.4) -> tuple[str, str]:
  """One (English, French) sentence pair.

  The number of noun phrases is 1 + Geometric(1/2) capped at ``max_noun_phrases``, which
  together with log-uniform numbers gives the long tail of lengths.
  """
  if max_noun_phrases < 1:
    raise ValueError(f"max_noun_phrases must be >= 1, got {max_noun_phrases}")
  subject_en, subject_fr = SUBJECT_VERBS[int(rng.integers(len(SUBJECT_VERBS)))]
  count = min(int(rng.geometric(0.5)), max_noun_phrases)
  phrases = [sample_noun_phrase(rng, max_digits) for _ in range(count)]
  en_list = [p[0] for p in phrases]
  fr_list = [p[1] for p in phrases]
  en = _join_list(en_list, "and")
  fr = _join_list(fr_list, "et")
  if rng.random() < date_probability:
    date_en, date_fr = date_phrase(sample_date(rng), with_weekday=bool(rng.random() < 0.5))
    en += " " + date_en
    fr += " " + date_fr
  return f"{subject_en} {en}.", f"{subject_fr} {fr}."


def _join_list(items: list[str], conjunction: str) -> str:
  if len(items) == 1:
    return items[0]
  return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
