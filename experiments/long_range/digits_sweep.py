"""Long-range benchmark, part 2: sequential and permuted 8x8 digits (64 steps) per cell.

Grid: cell in {elman (tanh), irnn, lstm, gru} x pixel order {row-major, permuted} = 8 trials,
each 1500 Adam steps (lr 1e-3, clip 1.0, batch 32, hidden 64); the final report scores the
test split.

    python -m rnnlab.sweep --sweep=experiments/long_range/digits_sweep.py \\
        --workdir=runs/long_range/digits --parallel=2
"""
from rnnlab import sweep

CELLS = ["elman", "irnn", "lstm", "gru"]


def make_sweep(tiny: bool = False) -> sweep.Sweep:
  """The full grid, or (``tiny``) a 2-trial smoke version for the notebook test."""
  if tiny:
    return sweep.Sweep(
        config="configs/digits.py:debug",
        fixed={"train.num_steps": 2, "train.eval_every": 2, "train.checkpoint_every": 2,
               "train.log_every": 2},
        trials=sweep.grid({"model.cell": ["lstm"], "data.permuted": [False, True]}))
  return sweep.Sweep(
      config="configs/digits.py",
      fixed={"model.hidden_size": 64, "train.batch_size": 32, "train.num_steps": 1500,
             "train.eval_every": 500, "train.checkpoint_every": 500, "train.log_every": 250,
             "optimizer.learning_rate": 1e-3, "optimizer.clip": "global_norm",
             "optimizer.clip_norm": 1.0},
      trials=sweep.grid({"model.cell": CELLS, "data.permuted": [False, True]}))


def get_sweep() -> sweep.Sweep:
  return make_sweep()
