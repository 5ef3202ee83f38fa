"""Adding problem, T=100: LSTM vs GRU vs IRNN x two learning rates (grid, 6 trials).

    python -m rnnlab.sweep --sweep=experiments/sweeps/adding_cells.py \\
        --workdir=runs/sweeps/adding_cells --parallel=2

Then open experiments/notebooks/compare_runs.ipynb with RNNLAB_SWEEP_DIR=runs/sweeps/adding_cells
(the notebook reads that environment variable).
"""
from rnnlab import sweep


def get_sweep() -> sweep.Sweep:
  return sweep.Sweep(
      config="configs/adding.py",
      fixed={"train.num_steps": 2000},
      trials=sweep.grid({
          "model.cell": ["lstm", "gru", "irnn"],
          "optimizer.learning_rate": [1e-3, 3e-3],
      }))
