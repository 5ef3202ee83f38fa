"""Speech recognisers that rank: CTC vs LAS vs joint CTC-attention, LSTM vs GRU encoders.

One command trains the grid on the default speech set (``rnnlab_prose_speech``) and scores
every model with every decoder of its architecture on the seen-engine test split (``test``:
unseen sentences, eSpeak NG voices and rate) and the unseen-engine split (``test_flite``,
read by CMU Flite; it needs the ``flite`` program the first time, ``apt-get install flite``):

    python experiments/speech/architectures.py --workdir=runs/speech_architectures
    # a smaller budget / a subset / another TFDS data folder:
    python experiments/speech/architectures.py --workdir=runs/speech_architectures \\
        --num_steps=250 --models=ctc-lstm,las-lstm --data_dir=/data/tfds

Each model is a trial of ``rnnlab.sweep`` (its own ``rnnlab.main`` process and workdir
``<workdir>/model.architecture=<a>,model.cell=<c>``; a re-run skips the finished ones and
resumes the others), then ``rnnlab.transcribe``'s scoring (``score_split``: the run's latest
checkpoint, every decoder) gives each split's CER/WER; a split the run's own
``final_metrics.json`` already holds (``test``) is read from there (the same parameters and
decoders, so the same numbers). Writes ``<workdir>/results.json`` (one record per model and
decoder) and ``<workdir>/table.md`` (the README's table) and prints the table.

Models (``--models``): ``ctc-lstm``, ``las-lstm``, ``joint-lstm``, ``ctc-gru``, ``las-gru``,
``joint-gru`` (``<model.architecture>-<model.cell>``); everything else is
``configs/speech/default.py`` (3-layer bidirectional encoder of 160 units; LAS speller of 256).
Decoders: ``ctc_greedy``, ``ctc_beam``, ``ctc_beam_lm`` (ctc, joint); ``attention_greedy``,
``attention_beam`` (las, joint); ``joint_beam`` (joint).
"""
import json
import os
from typing import Any, Iterable, Mapping, Sequence

from absl import app
from absl import flags
from absl import logging

from rnnlab import cli
from rnnlab import sweep

CONFIG = "configs/speech/default.py"
ARCHITECTURES = ("ctc", "las", "joint")
CELLS = ("lstm", "gru")
MODELS = tuple(f"{a}-{c}" for c in CELLS for a in ARCHITECTURES)
SPLITS = ("test", "test_flite")
DECODER_ORDER = ("ctc_greedy", "ctc_beam", "ctc_beam_lm", "attention_greedy", "attention_beam",
                 "joint_beam")


def parse_model(name: str) -> dict[str, str]:
  """``"las-gru"`` -> ``{"model.architecture": "las", "model.cell": "gru"}``.

  Raises:
    ValueError: a name not in :data:`MODELS`.
  """
  if name not in MODELS:
    raise ValueError(f"unknown model {name!r}; allowed: {', '.join(MODELS)}")
  architecture, cell = name.split("-")
  return {"model.architecture": architecture, "model.cell": cell}


def make_sweep(models: Sequence[str] = MODELS, num_steps: int = 0, bucket_seconds: float = 0.0,
               data_dir: str = "", config: str = CONFIG) -> sweep.Sweep:
  """The grid as an ``rnnlab.sweep.Sweep`` (one trial per model, in the order given).

  ``num_steps`` > 0 shortens training (one evaluation, at the end); ``bucket_seconds`` > 0
  pads audio to multiples of that many seconds (fewer shapes to compile); ``data_dir``: the
  TFDS folder holding (or to hold) the data set. 0 / "" keep the config's values.
  """
  fixed: dict[str, Any] = {}
  if num_steps > 0:
    fixed.update({"train.num_steps": num_steps, "train.eval_every": num_steps,
                  "train.checkpoint_every": num_steps})
  if bucket_seconds > 0:
    fixed["data.bucket_seconds"] = bucket_seconds
  if data_dir:
    fixed["data.data_dir"] = data_dir
  return sweep.Sweep(config=config, fixed=fixed, trials=[parse_model(m) for m in models])


def get_sweep() -> sweep.Sweep:
  """The full grid at the config's budget (``python -m rnnlab.sweep --sweep=<this file>``)."""
  return make_sweep()


def split_scores(run_dir: str, split: str) -> dict[str, float]:
  """``{"<split>_<decoder>_{cer,wer}": ...}`` of a finished run: from its
  ``final_metrics.json`` when that holds the split, else scored with ``rnnlab.transcribe``
  (and cached in ``scores_<split>.json`` in the run directory)."""
  from rnnlab import transcribe  # pylint: disable=import-outside-toplevel
  from rnnlab.training import run_directory  # pylint: disable=import-outside-toplevel
  with open(run_directory.final_metrics_path(run_dir)) as f:
    final = json.load(f).get("final", {})  # {"eval": ..., "final": the final report}
  own = {k: v for k, v in final.items() if k.startswith(f"{split}_")
         and k[len(split) + 1:].rsplit("_", 1)[0] in DECODER_ORDER}
  if own:
    return own
  cache = os.path.join(run_dir, f"scores_{split}.json")
  if os.path.exists(cache):
    with open(cache) as f:
      return json.load(f)
  scores = transcribe.score_split(split, run_dir)
  with open(cache, "w") as f:
    json.dump(scores, f, indent=2)
  return scores


def result_rows(model: str, scores: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
  """One record per decoder of ``model``: ``{"model", "decoder", "<split>_cer", ...}`` from
  ``scores[split]`` (``split_scores``' dicts); decoders in :data:`DECODER_ORDER`."""
  rows = []
  for decoder in DECODER_ORDER:
    row: dict[str, Any] = {"model": model, "decoder": decoder}
    for split, values in scores.items():
      for metric in ("cer", "wer"):
        key = f"{split}_{decoder}_{metric}"
        if key in values:
          row[f"{split}_{metric}"] = float(values[key])
    if len(row) > 2:
      rows.append(row)
  return rows


def table_markdown(rows: Iterable[Mapping[str, Any]], splits: Sequence[str] = SPLITS) -> str:
  """A markdown table: model, decoder, then CER and WER (%) per split ("-" if not scored)."""
  header = ["model", "decoder"] + [f"{s} {m.upper()}" for s in splits for m in ("cer", "wer")]
  lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
  for row in rows:
    cells = [row["model"], f"`{row['decoder']}`"]
    for split in splits:
      for metric in ("cer", "wer"):
        value = row.get(f"{split}_{metric}")
        cells.append("-" if value is None else f"{100 * value:.1f}%")
    lines.append("| " + " | ".join(cells) + " |")
  return "\n".join(lines) + "\n"


def run(workdir: str, models: Sequence[str] = MODELS, splits: Sequence[str] = SPLITS,
        **sweep_options) -> list[dict[str, Any]]:
  """Trains the missing models (one at a time), scores them, writes ``results.json`` and
  ``table.md`` in ``workdir``; returns the records. ``sweep_options``: :func:`make_sweep`'s.

  Raises:
    ValueError: a model failed to train (its ``log.txt`` says why).
  """
  grid = make_sweep(models, **sweep_options)
  records = sweep.run_sweep(grid, workdir, parallel=1)
  failed = [r["name"] for r in records if r["status"] not in ("finished", "skipped")]
  if failed:
    raise ValueError(f"trained models did not finish (see log.txt in each): {failed}")
  rows = []
  for model, overrides in zip(models, grid.trials):
    run_dir = os.path.join(workdir, sweep.trial_name(overrides))
    scores = {split: split_scores(run_dir, split) for split in splits}
    rows.extend(result_rows(model, scores))
  with open(os.path.join(workdir, "results.json"), "w") as f:
    json.dump(rows, f, indent=2)
  table = table_markdown(rows, splits)
  with open(os.path.join(workdir, "table.md"), "w") as f:
    f.write(table)
  return rows


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  f = flags.FLAGS
  for model in f.models:
    parse_model(model)  # one-line error before anything runs
  rows = run(f.workdir, f.models, f.splits, num_steps=f.num_steps,
             bucket_seconds=f.bucket_seconds, data_dir=f.data_dir)
  logging.info("wrote %s and %s", os.path.join(f.workdir, "results.json"),
               os.path.join(f.workdir, "table.md"))
  print(table_markdown(rows, f.splits), end="")


if __name__ == "__main__":
  flags.DEFINE_string("workdir", None, "Folder holding one run directory per model.")
  flags.DEFINE_list("models", list(MODELS), f"Models to train and score: {', '.join(MODELS)}.")
  flags.DEFINE_list("splits", list(SPLITS), "Splits to score.")
  flags.DEFINE_integer("num_steps", 0, "Training steps per model (0: the config's).")
  flags.DEFINE_float("bucket_seconds", 0.0, "data.bucket_seconds (0: the config's).")
  flags.DEFINE_string("data_dir", "", "TFDS data folder (data.data_dir; '': TFDS's default).")
  flags.mark_flag_as_required("workdir")
  cli.run(main, program="experiments/speech/architectures.py")
