"""The n-gram report on a small PTB-layout corpus."""
import pytest

from rnnlab.baselines import ngram_report


def test_report_rows_for_each_order(tmp_path):
  lines = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 20
  for split, text in (("train", lines), ("valid", lines[:6]), ("test", lines[3:9])):
    (tmp_path / f"{split}.txt").write_text("\n".join(text) + "\n")
  rows = ngram_report.ngram_table("files", "word", [1, 3], path=str(tmp_path))
  assert [r["order"] for r in rows] == [1, 3]
  assert rows[1]["valid_perplexity"] < rows[0]["valid_perplexity"]
  assert all(r["test_bits_per_char"] > 0 for r in rows)


def test_orders_that_are_not_positive_integers_are_named():
  assert ngram_report.parse_orders(["1", "2"]) == [1, 2]
  for bad in (["two"], ["0", "2"], []):
    with pytest.raises(ValueError, match=r"invalid --orders=.*; allowed: integers >= 1"):
      ngram_report.parse_orders(bad)


def test_importing_every_baseline_defines_no_flags():
  # rnnlab.baselines imports bag_of_words: flags defined at import made
  # `python -m rnnlab.baselines.ngram_report` die with DuplicateFlagError ('dataset').
  from absl import flags  # pylint: disable=import-outside-toplevel
  import rnnlab.baselines  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
  from rnnlab.baselines import bag_of_words  # noqa: F401  pylint: disable=import-outside-toplevel
  from rnnlab.analysis import attention_plots  # noqa: F401  pylint: disable=import-outside-toplevel
  defined_by = flags.FLAGS.flags_by_module_dict()
  for module in ("rnnlab.baselines.bag_of_words", "rnnlab.baselines.ngram_report",
                 "rnnlab.analysis.attention_plots"):
    assert module not in defined_by, (module, [f.name for f in defined_by[module]])
