"""Captioning variants on the embedded shapes set: show-and-tell vs show-attend-tell x LSTM vs
GRU decoder (greedy and beam decoding both come from each run's final report).

    python -m rnnlab.sweep --sweep=experiments/captioning/variants.py \\
        --workdir=runs/captioning/variants
    python experiments/captioning/table.py runs/captioning/variants

Budget (``FIXED``): the README table was measured on a 2-core CPU shared with other jobs, where
the default config (64x64 images, hidden 256, 3,000 steps of batch 64) takes hours per run. All
trials therefore share one smaller budget: 32x32 images, a 2-stage CNN with 16 channels (an
8x8 grid of R = 64 regions of F = 32 features), decoder hidden size 128, attention size 64,
400 Adam steps of batch 32 (cosine schedule from 2e-3), validation on its first 100 images,
test on all 500 (beam size 3). ``make_sweep(default_budget=True)`` is the same grid at the
default config's budget. Every cell of the grid runs with seeds 0 and 1, so the run-to-run
noise (initialisation and batch order) can be told from a difference between variants.
"""
from rnnlab import sweep

CONFIG = "configs/captioning/default.py"
FIXED = {"data.image_size": 32, "model.num_stages": 2, "model.channels": 16,
         "model.hidden_size": 128, "model.attention_size": 64, "train.batch_size": 32,
         "train.num_steps": 400, "train.eval_every": 400, "train.checkpoint_every": 400,
         "train.log_every": 50, "data.max_eval_examples": 100}
VARIANTS = ["show_and_tell", "show_attend_tell"]
CELLS = ["lstm", "gru"]
SEEDS = [0, 1]


def make_sweep(default_budget: bool = False) -> sweep.Sweep:
  """The 2 x 2 grid of variants and decoder cells, each with seeds 0 and 1 (8 runs)."""
  trials = sweep.grid({"train.seed": SEEDS, "model.variant": VARIANTS, "model.cell": CELLS})
  return sweep.Sweep(config=CONFIG, fixed={} if default_budget else FIXED, trials=trials)


def get_sweep() -> sweep.Sweep:
  return make_sweep()
