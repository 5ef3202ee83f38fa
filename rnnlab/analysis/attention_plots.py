"""Attention heatmaps and BLEU-vs-length curves (PNG) from translation run directories.

  python -m rnnlab.analysis.attention_plots \\
      --workdirs=runs/translation_none,runs/translation_additive,runs/translation_general \\
      --out=runs/translation_plots --split=test --examples=3

* ``bleu_vs_length_<split>.png``: corpus BLEU per source-length bucket (from each run's
  ``bleu_by_length_<split>.json``, written by the task's final report), one line per run and
  decoding method: the plot of Bahdanau et al. (2015, Fig. 2).
* ``attention_<run>_<k>.png``: for every run with attention, the greedy decoder's attention
  weights (rows: output tokens, columns: source tokens) on chosen test sentences: by default
  the shortest sentence of the median bucket and the longest sentence of the split (from
  ``translations_<split>.tsv``), or the rows given with ``--rows``.
"""
import csv
import json
import os
from typing import Sequence

from absl import app
from absl import flags
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position
import numpy as np  # noqa: E402  pylint: disable=wrong-import-position


def _define_flags() -> None:
  """Defined only when run as a program, so several CLIs can be imported together."""
  flags.DEFINE_list("workdirs", None, "Translation run directories.")
  flags.DEFINE_string("out", None, "Output folder for the PNG files.")
  flags.DEFINE_string("split", "test", "Split whose final-report files are read.")
  flags.DEFINE_integer("examples", 2, "Heatmaps per run when --rows is not given.")
  flags.DEFINE_list("rows", [], "Rows of translations_<split>.tsv to draw (0-based).")


def run_name(workdir: str) -> str:
  return os.path.basename(os.path.normpath(workdir))


def read_translations(workdir: str, split: str) -> list[dict]:
  path = os.path.join(workdir, f"translations_{split}.tsv")
  if not os.path.isfile(path):
    raise ValueError(f"{path} does not exist; the run has not finished its final report")
  with open(path, encoding="utf-8") as f:
    return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def plot_bleu_vs_length(workdirs: Sequence[str], split: str, path: str,
                        methods: Sequence[str] = ("greedy", "beam"),
                        title: str = "BLEU by source sentence length",
                        names: Sequence[str] | None = None) -> str:
  """BLEU per source-length bucket, one line per (run, method) of ``methods``.

  ``names`` label the runs in the legend (default: their workdirs' base names).

  The y axis ends a little above the highest point (at most 103), so that runs far below
  the ceiling stay readable; the legend sits right of the axes.

  Raises:
    ValueError: no workdir or no method, a run without ``bleu_by_length_<split>.json``, or
      a method it lacks.
  """
  if not workdirs or not methods:
    raise ValueError(f"nothing to plot: workdirs={list(workdirs)}, methods={list(methods)}; "
                     "give at least one of each")
  names = [run_name(w) for w in workdirs] if names is None else list(names)
  if len(names) != len(workdirs):
    raise ValueError(f"{len(names)} names for {len(workdirs)} workdirs")
  fig, ax = plt.subplots(figsize=(9, 4.5))
  labels = None
  top = 0.0
  for workdir, name in zip(workdirs, names):
    file = os.path.join(workdir, f"bleu_by_length_{split}.json")
    if not os.path.isfile(file):
      raise ValueError(f"{file} does not exist; the run has not finished its final report")
    with open(file) as f:
      by_length = json.load(f)
    for method in methods:
      if method not in by_length:
        methods_found = sorted(set(by_length) - {"edges"})  # the file: {"edges", method: rows}
        raise ValueError(f"{file} has no {method!r} rows; it has {methods_found}")
      rows = by_length[method]
      labels = [r["bucket"] for r in rows]
      top = max([top] + [r["bleu"] for r in rows])
      ax.plot(range(len(rows)), [r["bleu"] for r in rows], "--" if method == "greedy" else "-",
              marker="o", label=f"{name} ({method})")
  ax.set_xticks(range(len(labels)), labels)
  ax.set_xlabel("source length (tokens)")
  ax.set_ylabel(f"BLEU ({split})")
  ax.set_ylim(0, min(103.0, max(10.0, 1.15 * top)))
  ax.grid(alpha=0.3)
  ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
  ax.set_title(title)
  fig.tight_layout()
  fig.savefig(path, dpi=120)
  plt.close(fig)
  return path


def plot_attention(weights: np.ndarray, source_tokens: Sequence[str],
                   output_tokens: Sequence[str], path: str, title: str = "") -> str:
  """Heatmap of ``weights [output tokens, source tokens]``."""
  weights = np.asarray(weights)
  if weights.shape != (len(output_tokens), len(source_tokens)):
    raise ValueError(f"weights {weights.shape} do not match {len(output_tokens)} output and "
                     f"{len(source_tokens)} source tokens")
  height = 1.5 + 0.22 * len(output_tokens)
  width = 2.0 + 0.22 * len(source_tokens)
  fig, ax = plt.subplots(figsize=(max(width, 4), max(height, 3)))
  ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
  ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=90, fontsize=7)
  ax.set_yticks(range(len(output_tokens)), output_tokens, fontsize=7)
  ax.set_xlabel("source")
  ax.set_ylabel("output")
  if title:
    ax.set_title(title, fontsize=8)
  fig.tight_layout()
  fig.savefig(path, dpi=120)
  plt.close(fig)
  return path


def default_rows(translations: list[dict], count: int) -> list[int]:
  """The longest sentence, then sentences of decreasing length spread over the split."""
  order = sorted(range(len(translations)), key=lambda i: -int(translations[i]["source_tokens"]))
  if count <= 1:
    return order[:1]
  picks = [order[int(round(k * (len(order) - 1) / (2 * (count - 1))))] for k in range(count)]
  return list(dict.fromkeys(picks))


def attention_maps(workdir: str, split: str, rows: Sequence[int], out: str) -> list[str]:
  """Heatmaps of greedy attention for ``rows`` of the run's translations file."""
  from rnnlab import translate  # pylint: disable=import-outside-toplevel
  translator = translate.load_trained(workdir)
  if translator.config.model.attention == "none":
    return []
  translations = read_translations(workdir, split)
  paths = []
  for k, row in enumerate(rows):
    if not 0 <= row < len(translations):
      raise ValueError(f"row {row} outside {workdir} translations_{split}.tsv "
                       f"(0..{len(translations) - 1})")
    source = translations[row]["source"]
    result = translate.translate_one(translator, source, beam=1)
    source_tokens = translator.source_tokenizer.display_pieces(source)
    output_tokens = [translator.target_tokenizer.id_to_piece(i) for i in result.output_ids]
    weights = result.weights
    path = os.path.join(out, f"attention_{run_name(workdir)}_{k}.png")
    paths.append(plot_attention(weights, source_tokens, output_tokens, path,
                                title=f"{run_name(workdir)} ({translator.config.model.attention})"
                                      f", {split} row {row}"))
  return paths


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  workdirs, out, split = flags.FLAGS.workdirs, flags.FLAGS.out, flags.FLAGS.split
  if not workdirs or not out:
    raise app.UsageError("--workdirs and --out are required")
  try:
    chosen = [int(r) for r in flags.FLAGS.rows]
  except ValueError as error:
    raise ValueError(f"invalid --rows={','.join(flags.FLAGS.rows)}; allowed: row numbers "
                     "(0-based) of translations_<split>.tsv") from error
  from rnnlab.training import run_directory  # pylint: disable=import-outside-toplevel
  run_directory.check_location(out, flag="--out")  # a file or a read-only place: one line
  os.makedirs(out, exist_ok=True)
  print(plot_bleu_vs_length(workdirs, split, os.path.join(out, f"bleu_vs_length_{split}.png")))
  for workdir in workdirs:
    rows = chosen or default_rows(read_translations(workdir, split), flags.FLAGS.examples)
    for path in attention_maps(workdir, split, rows, out):
      print(path)


if __name__ == "__main__":
  from rnnlab import cli  # pylint: disable=import-outside-toplevel  (the program, not the library)
  _define_flags()
  cli.run(main, program="rnnlab.analysis.attention_plots")
