"""Zaremba et al. 2014 ("Recurrent neural network regularization"):
large (regularized) LSTM on word-level Penn Treebank.

Published setup: 2x1500 LSTM, unrolled T=35 steps, batch B=20, every parameter initialised
U(-0.04, 0.04), SGD with learning rate 1.0 for 14 epochs, then divided by 1.15 every epoch,
gradient norm clipped at 10.0, 55 epochs, dropout 0.65 on the non-recurrent connections. The
loss is summed over the T steps and averaged over the batch
(``model.loss_reduction="sum_over_time"``), the scale their learning rate was tuned for. The
paper reports 78.4 (valid 82.2) test perplexity.

Data: Penn Treebank in the usual layout (``ptb.train.txt`` etc. renamed to ``train.txt``,
``valid.txt``, ``test.txt``) in the folder ``data.path``; vocabulary 10k from train.
``num_steps`` assumes PTB's 929,589 training tokens (1327 steps per epoch); set it for
another corpus (``--config.train.num_steps``).

Run:
  python -m rnnlab.main --config=configs/lm/zaremba_large.py --workdir=runs/zaremba_large \\
      --config.data.path=/data/ptb
  python -m rnnlab.main --config=configs/lm/zaremba_large.py --workdir=runs/zaremba_large_gru \\
      --config.data.path=/data/ptb --config.model.cell=gru
"""
import ml_collections

from rnnlab.training.zaremba_configs import zaremba_config


def get_config() -> ml_collections.ConfigDict:
  return zaremba_config(hidden_size=1500, seq_len=35, dropout_rate=0.65, init_scale=0.04,
                        decay_factor=1 / 1.15, decay_start_epoch=14, clip_norm=10.0, epochs=55)
