"""Cleaning documentation text to prose."""
from rnnlab.data import prose_cleaning

RST_LIKE = """\
The "for" statement
*******************

The "for" statement is used to iterate over the elements of a
sequence (such as a string, tuple or list):

   for_stmt ::= "for" target_list "in" starred_list ":" suite

   for i in range(3):
       print(i)

A **break** statement terminates the loop; see *Notes* below.

   >>> list(range(2))
   [0, 1]

+------+------+
| a    | b    |
+------+------+

is roughly equivalent to

   class Foo: pass
   Foo = f1(arg)(f2(Foo))

It\u2019s \u201cquoted\u201d \u2014 with :mod:`json` and ``x = 1`` too::
"""


def test_keeps_titles_and_prose_drops_code_grammar_tables():
  assert prose_cleaning.clean_to_prose(RST_LIKE).split("\n") == [
      'The "for" statement',
      'The "for" statement is used to iterate over the elements of a sequence (such as a '
      "string, tuple or list):",
      "A break statement terminates the loop; see Notes below.",
      '''It's "quoted" -- with "json" and "x = 1" too:''',
  ]


def test_output_is_ascii_and_empty_when_no_prose():
  assert prose_cleaning.clean_to_prose("   x = 1\n   y = 2\n") == ""
  assert prose_cleaning.to_ascii("caf\u00e9 \u2026") == "cafe ..."


def test_is_prose():
  assert prose_cleaning.is_prose("This is a sentence.")
  assert not prose_cleaning.is_prose("(1, 2, 3) + (4, 5) == 0.")
  assert not prose_cleaning.is_prose("Return the value of the key")  # no full stop
  assert not prose_cleaning.is_prose("Two words.")
