"""Long-range benchmark, issue 13: do linear recurrences (LRU, RG-LRU) solve the copy task?

The three models of ``adding_linear_sweep.py`` (LSTM 1x64; LRU 2x25 and RG-LRU 2x27 in
residual blocks with a linear encoder of the 10 one-hot features; 19,850 / 17,685 / 17,533
parameters with the 10-way read-out) on ``configs/copy.py`` (delay T = 100, 10 symbols of 8
to recall, RMSprop lr 1e-3, global-norm clipping 1.0, batch 64, eval on 960 fixed sequences,
seed 0), ``STEPS`` steps per trial. The memoryless baseline is 10 log(8) / 120 = 0.173 nats
per step; ``copy_accuracy`` (chance 1/8) is the fraction of the 10 symbols recalled.

    python -m rnnlab.sweep --sweep=experiments/long_range/copy_linear_sweep.py \\
        --workdir=runs/long_range/copy_linear --parallel=1
"""
import os
import runpy

from rnnlab import sweep

STEPS = 1000
# The same three models as the adding sweep (one definition; a sweep file is loaded by path).
MODELS = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "adding_linear_sweep.py"))["MODELS"]
FIXED = {"train.num_steps": STEPS, "train.eval_every": 250, "train.checkpoint_every": STEPS,
         "train.log_every": 50}


def get_sweep() -> sweep.Sweep:
  trials = [dict(MODELS[name]) for name in ("rglru", "lru", "lstm")]
  return sweep.Sweep(config="configs/copy.py", fixed=FIXED, trials=trials)
