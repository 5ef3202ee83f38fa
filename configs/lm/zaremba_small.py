"""Zaremba et al. 2014 ("Recurrent neural network regularization"):
small (non-regularized) LSTM on word-level Penn Treebank.

Published setup: 2x200 LSTM, unrolled T=20 steps, batch B=20, every parameter initialised
U(-0.1, 0.1), SGD with learning rate 1.0 for 4 epochs, then halved every epoch, gradient
norm clipped at 5.0, 13 epochs, no dropout. The loss is summed over the T steps and averaged
over the batch (``model.loss_reduction="sum_over_time"``), the scale their learning rate was
tuned for. The paper reports 114.5 (valid 120.7) test perplexity.

Data: Penn Treebank in the usual layout (``ptb.train.txt`` etc. renamed to ``train.txt``,
``valid.txt``, ``test.txt``) in the folder ``data.path``; vocabulary 10k from train.
``num_steps`` assumes PTB's 929,589 training tokens (2323 steps per epoch); set it for
another corpus (``--config.train.num_steps``).

Run:
  python -m rnnlab.main --config=configs/lm/zaremba_small.py --workdir=runs/zaremba_small \\
      --config.data.path=/data/ptb
  python -m rnnlab.main --config=configs/lm/zaremba_small.py --workdir=runs/zaremba_small_gru \\
      --config.data.path=/data/ptb --config.model.cell=gru
"""
import ml_collections

from rnnlab.training.zaremba_configs import zaremba_config


def get_config() -> ml_collections.ConfigDict:
  return zaremba_config(hidden_size=200, seq_len=20, dropout_rate=0.0, init_scale=0.1,
                        decay_factor=0.5, decay_start_epoch=4, clip_norm=5.0, epochs=13)
