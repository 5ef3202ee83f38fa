"""The adding problem with an LSTM (Hochreiter & Schmidhuber 1997; Le et al. 2015).

Run:
  python -m rnnlab.main --config=configs/adding.py --workdir=runs/adding_lstm
  python -m rnnlab.main --config=configs/adding.py --workdir=runs/adding_gru \\
      --config.model.cell=gru --config.data.seq_len=200
  python -m rnnlab.main --config=configs/adding.py:debug --workdir=/tmp/adding_debug

What it should reach: always answering 1.0 scores MSE 0.167 (``mse_over_baseline`` 1.0).
With T=100 the LSTM below sits near the baseline for ~2000 steps, then leaves it: measured
eval MSE 0.0050 at step 3000 (``mse_over_baseline`` 0.030, ``accuracy`` 0.38; best 0.0047 at
step 2750), ~10 min on 2 busy CPU cores. The ``debug`` variant (T=10, 60 steps, tiny
LSTM) only checks that everything runs, in a few seconds.
"""
import ml_collections

from rnnlab import training
from rnnlab.training import config_builders


def get_config(variant: str | None = None) -> ml_collections.ConfigDict:
  config = training.base_config("adding")
  config.data.seq_len = 100
  config.model.cell = "lstm"
  config.model.hidden_size = 128
  config.train.batch_size = 64
  config.train.num_steps = 3000
  config.train.eval_every = 250
  config.train.checkpoint_every = 500
  config.train.best_metric = "mse"
  if variant == "debug":
    config.data.seq_len = 10
    config.data.max_eval_examples = 64
    config.model.hidden_size = 8
    config_builders.short_run(config.train, batch_size=16, num_steps=60, every=20, log_every=10)
  elif variant is not None:
    raise config_builders.unknown_variant(variant, "configs/adding.py", ("debug",))
  return config
