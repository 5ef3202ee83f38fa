"""Long-range benchmark, part 1: the adding problem, tanh RNN vs IRNN vs LSTM vs GRU.

Grid: cell in {elman (tanh), irnn, lstm, gru} x T in {50, 100, 200, 400} x gradient clipping
{global norm 1.0, none} = 32 trials, each 2000 Adam steps (lr 1e-3, batch 32, hidden 64).
Sized to fit the 2-core machine: the whole grid took the time stated in README.md.

    python -m rnnlab.sweep --sweep=experiments/long_range/adding_sweep.py \\
        --workdir=runs/long_range/adding --parallel=2

A trial whose loss becomes NaN/Inf stops (the train loop refuses to go on) and is listed as
failed in ``sweep_status.json``; the notebook reports it as "diverged".
"""
from rnnlab import sweep

CELLS = ["elman", "irnn", "lstm", "gru"]
SEQ_LENGTHS = [50, 100, 200, 400]
CLIPPING = ["global_norm", "none"]


def make_sweep(tiny: bool = False) -> sweep.Sweep:
  """The full grid, or (``tiny``) a 2-trial smoke version for the notebook test."""
  if tiny:
    return sweep.Sweep(
        config="configs/adding.py:debug",
        fixed={"train.num_steps": 4, "train.eval_every": 2, "train.checkpoint_every": 4,
               "train.log_every": 2, "data.max_eval_examples": 32},
        trials=sweep.grid({"model.cell": ["elman", "lstm"], "data.seq_len": [8],
                           "optimizer.clip": ["global_norm"]}))
  return sweep.Sweep(
      config="configs/adding.py",
      fixed={"model.hidden_size": 64, "train.batch_size": 32, "train.num_steps": 2000,
             "train.eval_every": 250, "train.checkpoint_every": 2000, "train.log_every": 250,
             "optimizer.learning_rate": 1e-3, "optimizer.clip_norm": 1.0,
             "data.max_eval_examples": 1000},
      # Shortest sequences first: a time-capped run completes the cheap trials of every
      # cell before the expensive T=400 ones.
      trials=sweep.grid({"data.seq_len": SEQ_LENGTHS, "model.cell": CELLS,
                         "optimizer.clip": CLIPPING}))


def get_sweep() -> sweep.Sweep:
  return make_sweep()
