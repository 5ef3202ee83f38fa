r"""``make demo``: train the default character LSTM on the embedded corpus, report, sample.

    python -m rnnlab.demo --workdir=runs/demo
    python -m rnnlab.demo --workdir=runs/demo_gru --config.model.cell=gru
    python -m rnnlab.demo --workdir=/tmp/demo_debug --config=configs/lm/char_default.py:debug

1. trains ``configs/lm/char_default.py`` (or ``--config``) with ``rnnlab.training``, logging
   progress lines with steps/s and ETA (a rerun resumes from the run dir's checkpoint);
2. prints validation and test bits per char of the RNN beside the interpolated Kneser-Ney
   n-gram baseline fitted on the same training characters (order ``data.ngram_order``);
3. prints a sample generated from the best checkpoint;
4. leaves the run dir (``config.json``, ``metrics.jsonl``, ``final_metrics.json``,
   ``vocab.json``, checkpoints, TensorBoard events, ``learning_curve.png``), which
   ``rnnlab.analysis.results.load(workdir)`` reads.
"""
import os
import sys
import time

from absl import app
from absl import flags
from ml_collections import config_flags

import rnnlab
from rnnlab import cli
from rnnlab import sample as sample_lib
from rnnlab import training
from rnnlab.analysis import results

DEFAULT_CONFIG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(rnnlab.__file__))),
                              "configs", "lm", "char_default.py")
CURVE_FILE = "learning_curve.png"

# No default here: ml_collections applies --config.<key> overrides to a default config while
# the flag is defined (at import), where a misspelt key would be a traceback; the default file
# is put on the command line in __main__ instead, so cli.run checks the overrides.
_CONFIG = config_flags.DEFINE_config_file(
    "config", None, "Config file (default: configs/lm/char_default.py).", lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", "runs/demo", "Run directory.")
_PROMPT = flags.DEFINE_string("prompt", "The ", "Prompt of the printed sample.")
_LENGTH = flags.DEFINE_integer("sample_length", 300, "Characters to sample.")
_TEMPERATURE = flags.DEFINE_float("temperature", 0.8, "Sampling temperature.")
_ALLOW_CONFIG_CHANGE = flags.DEFINE_list(
    "allow_config_change", [], "Config keys that may differ from the run's config.json on "
    "resume (as rnnlab.main).")


def plot_learning_curve(workdir: str, final: dict, path: str) -> str:
  """Saves train and validation bits per token vs step, with the n-gram lines, as a PNG."""
  import matplotlib  # pylint: disable=import-outside-toplevel
  matplotlib.use("Agg")
  import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

  train = results.load(workdir, split="train")
  evals = results.load(workdir, split="eval")
  fig, ax = plt.subplots(figsize=(7, 4.5))
  if not train.empty:
    window = max(1, len(train) // 50)
    smooth = train["bits_per_token"].rolling(window, min_periods=1).mean()
    ax.plot(train["step"], smooth, label="train (running mean)", color="tab:blue", alpha=0.8)
  if not evals.empty:
    ax.plot(evals["step"], evals["bits_per_token"], "o-", label="validation",
            color="tab:orange")
  order = int(final.get("ngram_order", 0))
  for split, style in (("valid", "--"), ("test", ":")):
    value = final.get(f"ngram_{split}_bits_per_token")
    if value is not None:
      ax.axhline(value, linestyle=style, color="gray",
                 label=f"{order}-gram Kneser-Ney ({split})")
  ax.set_xlabel("step")
  ax.set_ylabel("bits per token")
  ax.set_ylim(top=min(ax.get_ylim()[1], 4.0))
  ax.grid(alpha=0.3)
  ax.legend()
  ax.set_title(f"{os.path.basename(os.path.abspath(workdir))}: learning curve")
  fig.tight_layout()
  fig.savefig(path, dpi=110)
  plt.close(fig)
  return path


def report_table(final: dict, unit: str) -> str:
  """The RNN vs n-gram table printed at the end of the demo."""
  order = int(final["ngram_order"])
  lines = [f"{'split':<6} {'tokens':>8} {'RNN ' + unit:>20} {str(order) + '-gram KN ' + unit:>24}"]
  for split in ("valid", "test"):
    lines.append(f"{split:<6} {int(final[f'{split}_num_tokens']):>8} "
                 f"{final[f'{split}_{unit}']:>20.4f} {final[f'ngram_{split}_{unit}']:>24.4f}")
  return "\n".join(lines)


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  config, workdir = _CONFIG.value, _WORKDIR.value
  if config.task != "language_model":
    raise ValueError(f"the config's task is {config.task!r}; the demo trains a "
                     "'language_model'")
  m = config.model
  print(f"rnnlab demo: {m.num_layers}x{m.hidden_size} {m.cell.upper()} character LM on "
        f"{config.data.dataset!r}, {config.train.num_steps} steps of {config.train.batch_size}"
        f" x {config.data.seq_len} characters -> {workdir}", flush=True)
  start = time.perf_counter()
  result = training.train_and_evaluate(config, workdir,
                                       allow_config_change=_ALLOW_CONFIG_CHANGE.value)
  if result["status"] != "completed":
    cli.fail("rnnlab.demo", f"training stopped at step {result['step']} ({result['status']}); "
             "run the same command again to resume")
  minutes = (time.perf_counter() - start) / 60
  final = result["final"]
  unit = "bits_per_char" if config.data.tokenizer == "char" else "perplexity"
  curve = plot_learning_curve(workdir, final, os.path.join(workdir, CURVE_FILE))
  run = sample_lib.load_run(workdir, "best")
  text = sample_lib.generate(run, _PROMPT.value, length=_LENGTH.value,
                             temperature=_TEMPERATURE.value)
  verdict = ("beats" if final[f"test_{unit}"] < final[f"ngram_test_{unit}"]
             else "does NOT beat")
  print()
  print(report_table(final, unit))
  print(f"\nThe {m.cell.upper()} {verdict} the n-gram baseline on test "
        f"({final[f'test_{unit}']:.4f} vs {final[f'ngram_test_{unit}']:.4f} {unit}); "
        f"{minutes:.1f} minutes in this command.")
  print(f"\nSample (checkpoint step {run.step}, temperature {_TEMPERATURE.value}):\n"
        f"{_PROMPT.value}{text}\n")
  print(f"Run dir: {workdir} (learning curve: {curve}); load it with\n"
        f"  from rnnlab.analysis import results; results.load({workdir!r})\n"
        f"More samples: python -m rnnlab.sample --workdir={workdir} --prompt=\"The \"")


def with_default_config(argv: list[str]) -> list[str]:
  """``argv`` with ``--config=<DEFAULT_CONFIG>`` added unless it names a config."""
  if any(arg == "--config" or arg.startswith("--config=") for arg in argv[1:]):
    return argv
  return [argv[0], f"--config={DEFAULT_CONFIG}", *argv[1:]]


if __name__ == "__main__":
  sys.argv = with_default_config(sys.argv)
  cli.run(main, program="rnnlab.demo", config_flag="config")
