"""ListOps (LRA rules): the binary Tree-LSTM on the bracket structure, or a sequential RNN on the tokens.

Run:
  python -m rnnlab.main --config=configs/listops.py --workdir=runs/listops_tree
  python -m rnnlab.main --config=configs/listops.py --workdir=runs/listops_lstm \\
      --config.model.encoder=sequence --config.model.cell=lstm
  python -m rnnlab.main --config=configs/listops.py --workdir=runs/listops_bilstm \\
      --config.model.encoder=sequence --config.model.bidirectional=True --config.model.pooling=mean
  python -m rnnlab.main --config=configs/listops.py --workdir=runs/listops_lra --config.data.config=default
  python -m rnnlab.main --config=configs/listops.py:debug --workdir=/tmp/listops_debug

Data: ``rnnlab_listops/small`` (10k/1k/1k expressions of 501-1,999 tokens, the LRA rules),
generated on first use (about 1.5 minutes on a shared 2-core machine); ``data.config=default``
is the LRA-size set (96k/2k/2k). What it should reach: the LRA paper reports about 36-37%
test accuracy for an LSTM and Transformers (Tay et al. 2021, Table 1); the largest class
holds about a fifth of the examples. Measured numbers at small budgets are in the README
("Measured: ListOps"). The Tree-LSTM computes the leaves once, then rows of at most
B x L / 256 internal nodes (rnnlab.trees' list schedule), so its work and memory grow with
the number of nodes, not levels x the widest level. The ``debug`` variant (the tiny set: 48
expressions of 11-199 tokens, hidden 16, 6 steps) only checks that everything runs; it pads
every batch to 256 tokens (``data.length_bucket``) so that each step compiles once.
"""
import ml_collections

from rnnlab import training
from rnnlab.training import config_builders
from rnnlab.tasks import listops  # noqa: F401  (registers the task)


def get_config(variant: str | None = None) -> ml_collections.ConfigDict:
  config = training.base_config("listops")
  config.data.config = "small"
  config.model.encoder = "tree"
  config.model.cell = "lstm"
  config.model.hidden_size = 64
  config.model.embed_size = 64
  config.train.num_steps = 2000
  config.train.eval_every = 250
  config.train.checkpoint_every = 250
  config.train.best_metric = "accuracy"
  config.train.best_mode = "max"
  if variant == "debug":
    config.data.config = "tiny"
    config.data.length_bucket = 256  # tiny's expressions have < 200 tokens: one shape, one compile
    config.model.hidden_size = 16
    config.model.embed_size = 16
    config_builders.short_run(config.train, batch_size=8, num_steps=6, every=6, log_every=2)
  elif variant is not None:
    raise config_builders.unknown_variant(variant, "configs/listops.py", ("debug",))
  return config
