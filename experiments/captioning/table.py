"""The README's captioning table from a finished ``variants.py`` sweep (markdown on stdout).

    python experiments/captioning/table.py runs/captioning/variants

One row per run and decoding method: test-split BLEU-1 and BLEU-4 (sacrebleu, against all 5
references), attribute exact match, and validation BLEU-4. Unfinished runs are skipped.
"""
import sys

from rnnlab.analysis import results

COLUMNS = (("test BLEU-1", "test_{m}_bleu_1"), ("test BLEU-4", "test_{m}_bleu_4"),
           ("test exact match", "test_{m}_attribute_exact_match"),
           ("valid. BLEU-4", "validation_{m}_bleu_4"))


def table(sweep_dir: str) -> str:
  frame = results.final(results.load(sweep_dir, split="final"))
  frame = frame[frame["finished"]].sort_values(["model.variant", "model.cell", "train.seed"])
  lines = ["| variant | decoder | seed | decoding | " + " | ".join(c for c, _ in COLUMNS) + " |",
           "|---|---|---|---|" + "---:|" * len(COLUMNS)]
  for _, row in frame.iterrows():
    for method in ("greedy", "beam"):
      values = []
      for _, key in COLUMNS:
        value = row[key.format(m=method)]
        values.append(f"{value:.3f}" if "exact_match" in key else f"{value:.1f}")
      decoding = "greedy" if method == "greedy" else f"beam {row['model.decoding.beam_size']}"
      lines.append(f"| {row['model.variant']} | {row['model.cell']} | {row['train.seed']} | "
                   f"{decoding} | ")
      lines[-1] += " | ".join(values) + " |"
  return "\n".join(lines)


if __name__ == "__main__":
  if len(sys.argv) != 2:
    sys.exit("usage: python experiments/captioning/table.py SWEEP_DIR")
  print(table(sys.argv[1]))
