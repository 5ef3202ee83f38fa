"""The generated sentences carry the French phenomena the corpus promises."""
import datetime

import numpy as np
import pytest

from rnnlab.data.translation import grammar

NOUN = {n.en_singular: n for n in grammar.NOUNS}
ADJ = {a.en: a for a in grammar.ADJECTIVES}


@pytest.mark.parametrize("n, words", [
    (71, "soixante et onze"), (80, "quatre-vingts"), (97, "quatre-vingt-dix-sept"),
    (200, "deux cents"), (201, "deux cent un"), (80_000, "quatre-vingt mille")])
def test_french_vigesimal_and_plural_rules(n, words):
  assert grammar.french_number(n) == words


def test_feminine_agreement_changes_only_a_final_un():
  assert grammar.french_number(21, feminine=True) == "vingt et une"
  assert grammar.french_number(81, feminine=True) == "quatre-vingt-une"
  assert grammar.french_number(1, feminine=True) == "une"
  assert grammar.french_number(1_000_000, feminine=True) == "un million"
  assert grammar.french_number(22, feminine=True) == "vingt-deux"


def test_noun_phrase_reorders_and_agrees():
  en, fr = grammar.noun_phrase(21, NOUN["car"], (ADJ["small"], ADJ["white"]))
  assert en == "twenty-one small white cars"
  assert fr == "vingt et une petites voitures blanches"
  en, fr = grammar.noun_phrase(1, NOUN["horse"], (ADJ["white"],))
  assert (en, fr) == ("one white horse", "un cheval blanc")
  assert grammar.noun_phrase(3, NOUN["horse"], ())[1] == "trois chevaux"
  assert grammar.noun_phrase(2_000_000, NOUN["apple"], ())[1] == "deux millions de pommes"
  with pytest.raises(ValueError, match="n >= 1"):
    grammar.noun_phrase(0, NOUN["car"], ())


def test_dates_use_the_real_weekday_and_premier():
  en, fr = grammar.date_phrase(datetime.date(2021, 3, 3), with_weekday=True)
  assert en == "on Wednesday, March third, twenty twenty-one"
  assert fr == "le mercredi trois mars deux mille vingt et un"
  _, fr = grammar.date_phrase(datetime.date(1905, 5, 1), False)
  assert fr == "le premier mai mille neuf cent cinq"


def test_sentences_are_deterministic_and_varied():
  a = [grammar.sample_sentence(np.random.default_rng(7)) for _ in range(2)]
  assert a[0] == a[1]
  rng = np.random.default_rng(0)
  pairs = [grammar.sample_sentence(rng) for _ in range(300)]
  lengths = [len(en.split()) for en, _ in pairs]
  assert min(lengths) <= 6 and max(lengths) >= 25  # long tail of lengths
  assert all(en.endswith(".") and fr.endswith(".") for en, fr in pairs)
  assert len(set(pairs)) > 290
