"""Adding problem: random search over LSTM learning rate, hidden size and clipping (8 trials).

    python -m rnnlab.sweep --sweep=experiments/sweeps/adding_random.py \\
        --workdir=runs/sweeps/adding_random --parallel=2
"""
from rnnlab import sweep


def get_sweep() -> sweep.Sweep:
  return sweep.Sweep(
      config="configs/adding.py",
      fixed={"train.num_steps": 2000},
      trials=sweep.random_search({
          "optimizer.learning_rate": sweep.LogUniform(3e-4, 1e-2),
          "model.hidden_size": sweep.Choice([32, 64, 128]),
          "optimizer.clip_norm": sweep.Uniform(0.5, 5.0),
      }, num_trials=8, seed=0))
