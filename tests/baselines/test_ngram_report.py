"""The n-gram report on a small PTB-layout corpus."""
from rnnlab.baselines import ngram_report


def test_report_rows_for_each_order(tmp_path):
  lines = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 20
  for split, text in (("train", lines), ("valid", lines[:6]), ("test", lines[3:9])):
    (tmp_path / f"{split}.txt").write_text("\n".join(text) + "\n")
  rows = ngram_report.ngram_table("files", "word", [1, 3], path=str(tmp_path))
  assert [r["order"] for r in rows] == [1, 3]
  assert rows[1]["valid_perplexity"] < rows[0]["valid_perplexity"]
  assert all(r["test_bits_per_char"] > 0 for r in rows)

