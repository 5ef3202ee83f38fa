"""The copy-memory task with an LSTM (Arjovsky et al. 2016).

Run:
  python -m rnnlab.main --config=configs/copy.py --workdir=runs/copy_lstm
  python -m rnnlab.main --config=configs/copy.py --workdir=runs/copy_gru \\
      --config.model.cell=gru --config.data.delay=200
  python -m rnnlab.main --config=configs/copy.py:debug --workdir=/tmp/copy_debug

What it should reach: the memoryless baseline is 10 log(8) / (T + 20) nats per step
(0.173 for T=100, ``copy_memory.baseline_loss``). An LSTM quickly reaches the baseline and
then sits on it for a long time (Arjovsky et al. report it never leaves it for T >= 500); a
run that gets below it has learnt to recall (``copy_accuracy`` above 1/8 chance). The
``debug`` variant (T=5, 60 steps, tiny LSTM) only checks that everything runs.
"""
import ml_collections

from rnnlab import training
from rnnlab.training import config_builders


def get_config(variant: str | None = None) -> ml_collections.ConfigDict:
  config = training.base_config("copy_memory")
  config.data.delay = 100
  config.model.cell = "lstm"
  config.model.hidden_size = 128
  config.optimizer.name = "rmsprop"
  config.optimizer.momentum = 0.0
  config.train.batch_size = 64
  config.train.num_steps = 10000
  config.train.eval_every = 500
  config.train.checkpoint_every = 1000
  config.train.log_every = 100
  if variant == "debug":
    config.data.delay = 5
    config.data.copy_length = 3
    config.data.max_eval_examples = 64
    config.model.hidden_size = 8
    config_builders.short_run(config.train, batch_size=16, num_steps=60, every=20, log_every=10)
  elif variant is not None:
    raise config_builders.unknown_variant(variant, "configs/copy.py", ("debug",))
  return config
