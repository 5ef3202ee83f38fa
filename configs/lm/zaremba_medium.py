"""Zaremba et al. 2014 ("Recurrent neural network regularization"):
medium (regularized) LSTM on word-level Penn Treebank.

Published setup: 2x650 LSTM, unrolled T=35 steps, batch B=20, every parameter initialised
U(-0.05, 0.05), SGD with learning rate 1.0 for 6 epochs, then divided by 1.2 every epoch,
gradient norm clipped at 5.0, 39 epochs, dropout 0.5 on the non-recurrent connections. The
loss is summed over the T steps and averaged over the batch
(``model.loss_reduction="sum_over_time"``), the scale their learning rate was tuned for. The
paper reports 82.7 (valid 86.2) test perplexity.

Data: Penn Treebank in the usual layout (``ptb.train.txt`` etc. renamed to ``train.txt``,
``valid.txt``, ``test.txt``) in the folder ``data.path``; vocabulary 10k from train.
``num_steps`` assumes PTB's 929,589 training tokens (1327 steps per epoch); set it for
another corpus (``--config.train.num_steps``).

Run:
  python -m rnnlab.main --config=configs/lm/zaremba_medium.py --workdir=runs/zaremba_medium \\
      --config.data.path=/data/ptb
  python -m rnnlab.main --config=configs/lm/zaremba_medium.py --workdir=runs/zaremba_medium_gru \\
      --config.data.path=/data/ptb --config.model.cell=gru
"""
import ml_collections

from rnnlab.training.zaremba_configs import zaremba_config


def get_config() -> ml_collections.ConfigDict:
  return zaremba_config(hidden_size=650, seq_len=35, dropout_rate=0.5, init_scale=0.05,
                        decay_factor=1 / 1.2, decay_start_epoch=6, clip_norm=5.0, epochs=39)
