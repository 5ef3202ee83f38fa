"""The README's captioning tables from a finished ``variants.py`` sweep (markdown on stdout).

    python experiments/captioning/table.py runs/captioning/variants

First table: one row per run and decoding method: test-split BLEU-1 and BLEU-4 (sacrebleu,
against all 5 references), attribute exact match, and validation BLEU-4. Second table (when
some variant has several seeds): per variant, decoder and decoding, the mean test BLEU-4 over
the seeds and its spread (max - min; ``-`` for one seed), the run-to-run noise a difference must exceed to be read.
Unfinished runs are skipped.
"""
import sys

import pandas as pd

from rnnlab.analysis import results

COLUMNS = (("test BLEU-1", "test_{m}_bleu_1"), ("test BLEU-4", "test_{m}_bleu_4"),
           ("test exact match", "test_{m}_attribute_exact_match"),
           ("valid. BLEU-4", "validation_{m}_bleu_4"))
METHODS = ("greedy", "beam")


def _decoding(row: pd.Series, method: str) -> str:
  return "greedy" if method == "greedy" else f"beam {row['model.decoding.beam_size']}"


def finished_runs(sweep_dir: str) -> pd.DataFrame:
  """The final metrics of the sweep's finished runs, sorted by variant, cell and seed."""
  frame = results.final(results.load(sweep_dir, split="final"))
  return frame[frame["finished"]].sort_values(["model.variant", "model.cell", "train.seed"])


def table(sweep_dir: str) -> str:
  """Per run and decoding method: the columns of ``COLUMNS``."""
  frame = finished_runs(sweep_dir)
  lines = ["| variant | decoder | seed | decoding | " + " | ".join(c for c, _ in COLUMNS) + " |",
           "|---|---|---|---|" + "---:|" * len(COLUMNS)]
  for _, row in frame.iterrows():
    for method in METHODS:
      values = []
      for _, key in COLUMNS:
        value = row[key.format(m=method)]
        values.append(f"{value:.3f}" if "exact_match" in key else f"{value:.1f}")
      lines.append(f"| {row['model.variant']} | {row['model.cell']} | {row['train.seed']} | "
                   f"{_decoding(row, method)} | ")
      lines[-1] += " | ".join(values) + " |"
  return "\n".join(lines)


def seed_summary(sweep_dir: str) -> str:
  """Per variant, decoder and decoding: seeds, mean test BLEU-4 and its spread (max - min)."""
  frame = finished_runs(sweep_dir)
  lines = ["| variant | decoder | decoding | seeds | mean test BLEU-4 | spread (max - min) |",
           "|---|---|---|---|---:|---:|"]
  for (variant, cell), group in frame.groupby(["model.variant", "model.cell"], sort=True):
    for method in METHODS:
      values = group[f"test_{method}_bleu_4"]
      seeds = ",".join(str(s) for s in group["train.seed"])
      spread = f"{values.max() - values.min():.1f}" if len(values) > 1 else "-"
      lines.append(f"| {variant} | {cell} | {_decoding(group.iloc[0], method)} | {seeds} | "
                   f"{values.mean():.1f} | {spread} |")
  return "\n".join(lines)


if __name__ == "__main__":
  if len(sys.argv) != 2:
    sys.exit("usage: python experiments/captioning/table.py SWEEP_DIR")
  print(table(sys.argv[1]))
  if finished_runs(sys.argv[1]).groupby(["model.variant", "model.cell"]).size().max() > 1:
    print()
    print(seed_summary(sys.argv[1]))
