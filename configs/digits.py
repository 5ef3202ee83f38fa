"""Sequential / permuted 8x8 digits, pixel by pixel (64 steps), with an LSTM.

Run:
  python -m rnnlab.main --config=configs/digits.py --workdir=runs/digits_lstm
  python -m rnnlab.main --config=configs/digits.py --workdir=runs/pdigits_irnn \\
      --config.model.cell=irnn --config.data.permuted=True --config.optimizer.learning_rate=1e-4
  python -m rnnlab.main --config=configs/digits.py:debug --workdir=/tmp/digits_debug

What it should reach: chance is 10% accuracy. The LSTM(64) below reaches > 90% validation
accuracy on the row-major digits within 2000 steps (~10 minutes on 2 CPU cores); the
permuted order is harder for every cell at this budget (see experiments/long_range/README.md
for measured numbers). The ``debug`` variant (hidden 8, 20 steps) only checks that
everything runs, in seconds.
"""
import ml_collections

from rnnlab import training
from rnnlab.training import config_builders
from rnnlab.tasks import sequential_digits  # noqa: F401  (registers the task)


def get_config(variant: str | None = None) -> ml_collections.ConfigDict:
  config = training.base_config("sequential_digits")
  config.data.permuted = False
  config.data.permutation_seed = 0
  config.model.cell = "lstm"
  config.model.hidden_size = 64
  config.train.num_steps = 2000
  config.train.checkpoint_every = 500
  config.train.best_metric = "accuracy"
  config.train.best_mode = "max"
  if variant == "debug":
    config.model.hidden_size = 8
    config_builders.short_run(config.train, batch_size=16, num_steps=20, every=10)
  elif variant is not None:
    raise config_builders.unknown_variant(variant, "configs/digits.py", ("debug",))
  return config
