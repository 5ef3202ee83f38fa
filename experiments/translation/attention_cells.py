"""Translation on the real corpus: attention none / additive / general x LSTM / GRU x seeds.

    python experiments/translation/attention_cells.py --workdir=runs/translation_attention
    python experiments/translation/attention_cells.py --workdir=runs/translation_attention \\
        --table_only --figures=experiments/translation/figures

Runs every trial (``TRIALS``) one after the other in this one process (imports, the corpus
and its two SentencePiece models are built once and shared, which on a loaded CPU saves
minutes per trial), skips trials that already finished, and after each trial rewrites
``<workdir>/table.md``: test BLEU (sacrebleu, detokenised) greedy and beam per trial, per
source-length bucket, and the seed mean and spread. ``--figures=DIR`` also draws the
BLEU-vs-length curves and attention maps of test sentences (``rnnlab.analysis.
attention_plots``). The same trials run as a sweep (separate processes, ``--parallel``, or
Ray) with ``python -m rnnlab.sweep --sweep=experiments/translation/attention_cells.py
--workdir=runs/translation_attention`` (the same trial directories; then ``--table_only``).

Base: ``configs/translation/default.py`` (``rnnlab_en_fr_catalogs``, BiLSTM(64) encoder,
decoder 128, beam 5, GNMT length penalty 0.6) at a reduced budget, the same for every trial
(``FIXED``): 1200 steps of batch 64 (6 epochs) instead of 3000, 2000 SentencePiece pieces per
side instead of 8000 (the output layer dominates a step), an evaluation (validation
perplexity, teacher forcing, 200 pairs) every 300 steps, the final report on the whole test
split (989 pairs). On the 2-core machine, two trials side by side take ~10 minutes each with
the final report (~3.5 steps/s each when nothing else runs). At 400 steps every variant was
still at test BLEU 2-3 and none was separated from another by more than the seed noise; at
1200 additive attention is, from none with both cells and from general with the GRU (README
"Ranking the architectures on the real corpus"). Three length buckets
(16, 32, 72) instead of four only cut XLA compilations; padding does not change the maths
(padded == unpadded is tested).

Trials run in list order, so a partial grid still holds whole comparisons: the LSTM without
attention and with additive attention at seeds 0 and 1 (the run-to-run noise), then Luong's
multiplicative attention at both seeds, then the GRU with each attention at seed 0, then
at seed 1.
``model.cell`` sets both the encoder and the decoder cell.
"""
import importlib.util
import json
import os
import statistics
import sys

from absl import app
from absl import flags
from absl import logging

from rnnlab import cli
from rnnlab import sweep
from rnnlab.training import run_directory

CONFIG_FILE = "configs/translation/default.py"
ATTENTIONS = ("none", "additive", "general")
FIXED = {
    "train.num_steps": 1200,
    "train.eval_every": 300,
    "train.checkpoint_every": 300,
    "train.log_every": 50,
    "data.source_vocab_size": 2000,
    "data.target_vocab_size": 2000,
    "data.max_eval_examples": 200,
    "data.bucket_boundaries": (16, 32, 72),
}
# The order matters on a slow machine (a partial grid keeps whole comparisons): no attention
# vs additive first, then the second seed of both (the run-to-run noise), then Luong's.
TRIALS = ([{"train.seed": seed, "model.cell": "lstm", "model.attention": attention}
           for attention, seed in (("none", 0), ("additive", 0), ("additive", 1), ("none", 1),
                                   ("general", 0), ("general", 1))]
          + [{"train.seed": seed, "model.cell": "gru", "model.attention": attention}
             for seed in (0, 1) for attention in ATTENTIONS])
TABLE_FILE = "table.md"


def get_sweep() -> sweep.Sweep:
  """The same trials for ``python -m rnnlab.sweep``."""
  return sweep.Sweep(config=CONFIG_FILE, fixed=FIXED, trials=TRIALS)


def trial_config(overrides):
  """``configs/translation/default.py`` with ``FIXED`` and ``overrides`` applied."""
  spec = importlib.util.spec_from_file_location("translation_default_config", CONFIG_FILE)
  if spec is None or not os.path.exists(CONFIG_FILE):
    raise ValueError(f"{CONFIG_FILE} not found; run from the repository root")
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  config = module.get_config()
  config.update_from_flattened_dict({**FIXED, **overrides})
  return config


def read_final(workdir: str) -> dict | None:
  """The task's final report (test BLEU ...) plus ``valid_perplexity``, the last evaluation's
  token perplexity on the validation pairs (teacher forcing); None while unfinished."""
  path = run_directory.final_metrics_path(workdir)
  if not os.path.exists(path):
    return None
  with open(path) as f:
    metrics = json.load(f)
  return {**metrics["final"], "valid_perplexity": metrics["eval"]["perplexity"]}


def _buckets(final: dict, method: str) -> list[str]:
  prefix = f"test_{method}_bleu_len_"
  keys = [k[len(prefix):] for k in final if k.startswith(prefix)]
  return sorted(keys, key=lambda b: int(b.split("-")[0].replace("plus", "")))


def _count(workdir: str) -> dict[str, int]:
  """Test sentences per source-length bucket (``bleu_by_length_test.json``)."""
  path = os.path.join(workdir, "bleu_by_length_test.json")
  with open(path) as f:
    rows = json.load(f)["beam"]
  return {r["bucket"].replace("+", "plus"): r["count"] for r in rows}


def _mean_range(values: list[float]) -> str:
  """``"mean"`` for one value, ``"mean (min - max)"`` for several."""
  mean = statistics.fmean(values)
  if len(values) == 1:
    return f"{mean:.2f}"
  return f"{mean:.2f} ({min(values):.2f} - {max(values):.2f})"


def table(root: str) -> str:
  """Markdown: one row per finished trial, then the seed mean (min-max) per cell/attention."""
  rows = []
  for overrides in TRIALS:
    workdir = os.path.join(root, sweep.trial_name(overrides))
    final = read_final(workdir)
    if final is not None:
      rows.append((overrides, workdir, final))
  if not rows:
    return "no finished trial yet\n"
  buckets = _buckets(rows[0][2], "beam")
  counts = _count(rows[0][1])
  bucket_head = " | ".join(f"beam {b.replace('plus', '+')}" + (f" (n={counts[b]})" if b in counts
                                                             else "") for b in buckets)
  lines = [f"| cell | attention | seed | valid ppl | BLEU greedy | BLEU beam | {bucket_head} |",
           "|---|---|---|---|---|---|" + "---|" * len(buckets)]
  for overrides, _, final in rows:
    cells = [overrides["model.cell"], overrides["model.attention"], str(overrides["train.seed"]),
             f"{final['valid_perplexity']:.2f}", f"{final['test_greedy_bleu']:.2f}",
             f"{final['test_beam_bleu']:.2f}"]
    cells += [f"{final[f'test_beam_bleu_len_{b}']:.2f}" for b in buckets]
    lines.append("| " + " | ".join(cells) + " |")
  lines += ["", "Seed mean (min - max):", "",
            "| cell | attention | seeds | valid ppl | BLEU greedy | BLEU beam | greedy, per bucket "
            + " / ".join(b.replace("plus", "+") for b in buckets) + " |",
            "|---|---|---|---|---|---|---|"]
  groups = {}
  for overrides, _, final in rows:
    groups.setdefault((overrides["model.cell"], overrides["model.attention"]), []).append(final)
  for (cell, attention), finals in groups.items():
    means = [_mean_range([f[key] for f in finals])
             for key in ("valid_perplexity", "test_greedy_bleu", "test_beam_bleu")]
    per_bucket = " / ".join(
        f"{statistics.fmean(f[f'test_greedy_bleu_len_{b}'] for f in finals):.1f}" for b in buckets)
    lines.append(f"| {cell} | {attention} | {len(finals)} | " + " | ".join(means)
                 + f" | {per_bucket} |")
  return "\n".join(lines) + "\n"


def write_table(root: str) -> str:
  text = table(root)
  with open(os.path.join(root, TABLE_FILE), "w") as f:
    f.write(text)
  return text


def figures(root: str, out: str, examples: int) -> list[str]:
  """BLEU-vs-length curves of the seed-0 trials (both cells) and their attention maps."""
  from rnnlab.analysis import attention_plots  # pylint: disable=import-outside-toplevel
  os.makedirs(out, exist_ok=True)
  trials = [t for t in TRIALS if t["train.seed"] == 0
            and read_final(os.path.join(root, sweep.trial_name(t))) is not None]
  if not trials:
    raise ValueError(f"no finished seed-0 trial under {root}")
  workdirs = [os.path.join(root, sweep.trial_name(t)) for t in trials]
  paths = []
  for cell in dict.fromkeys(t["model.cell"] for t in trials):  # one plot per cell, beam only
    chosen = [(t, w) for t, w in zip(trials, workdirs) if t["model.cell"] == cell]
    paths.append(attention_plots.plot_bleu_vs_length(
        [w for _, w in chosen], "test", os.path.join(out, f"bleu_vs_length_test_{cell}.png"),
        methods=("beam",), title=f"Test BLEU by source length, {cell.upper()}, seed 0",
        names=[f"attention {t['model.attention']}" for t, _ in chosen]))
  for trial, workdir in zip(trials, workdirs):
    rows = attention_plots.default_rows(attention_plots.read_translations(workdir, "test"),
                                        examples)
    for k, path in enumerate(attention_plots.attention_maps(workdir, "test", rows, out)):
      short = os.path.join(out, f"attention_{trial['model.cell']}_{trial['model.attention']}_"
                                f"seed{trial['train.seed']}_{k}.png")  # no '=' or ',' in names
      os.replace(path, short)
      paths.append(short)
  return paths


def define_flags() -> None:
  """The command-line flags (defined only when run as a script: the module is also loaded by
  ``rnnlab.sweep`` and the tests, possibly more than once)."""
  flags.DEFINE_string("workdir", None, "Folder of the trial run directories.")
  flags.DEFINE_bool("table_only", False, "Only (re)write the table.")
  flags.DEFINE_string("figures", "", "Folder for the PNG figures ('' = none).")
  flags.DEFINE_integer("examples", 3, "Attention maps per trial.")


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  args = flags.FLAGS
  if not args.workdir:
    raise app.UsageError("--workdir is required")
  root = args.workdir
  run_directory.check_location(root)  # a file or a read-only place: one line
  os.makedirs(root, exist_ok=True)
  if not args.table_only:
    from rnnlab import training  # pylint: disable=import-outside-toplevel
    for overrides in TRIALS:
      workdir = os.path.join(root, sweep.trial_name(overrides))
      if run_directory.is_finished(workdir):
        logging.info("%s already finished", workdir)
        continue
      logging.info("trial %s", workdir)
      training.train_and_evaluate(trial_config(overrides), workdir)
      write_table(root)
  print(write_table(root))
  if args.figures:
    for path in figures(root, args.figures, args.examples):
      print(path)


if __name__ == "__main__":
  sys.path.insert(0, os.getcwd())
  define_flags()
  cli.run(main, program="experiments/translation/attention_cells.py")
