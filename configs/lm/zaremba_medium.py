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

from rnnlab import training

STEPS_PER_EPOCH = 1327  # PTB train: (929,589 - 1) // B // T
EPOCHS = 39


def get_config() -> ml_collections.ConfigDict:
  config = training.base_config("language_model")
  config.data.dataset = "files"
  config.data.path = "data/ptb"
  config.data.tokenizer = "word"
  config.data.mode = "tbptt"
  config.data.seq_len = 35
  config.data.ngram_order = 5
  config.model.cell = "lstm"
  config.model.num_layers = 2
  config.model.hidden_size = 650
  config.model.embed_size = 650
  config.model.dropout_rate = 0.5
  config.model.init_scale = 0.05
  config.model.lstm.forget_bias = 0.0  # every parameter is drawn from U(-s, s)
  config.model.loss_reduction = "sum_over_time"
  config.optimizer.name = "sgd"
  config.optimizer.learning_rate = 1.0
  config.optimizer.schedule = "step_decay"
  config.optimizer.decay_factor = 1 / 1.2
  config.optimizer.decay_start_epoch = 6
  config.optimizer.clip = "global_norm"
  config.optimizer.clip_norm = 5.0
  config.train.batch_size = 20
  config.train.eval_batch_size = 20
  config.train.num_steps = EPOCHS * STEPS_PER_EPOCH
  config.train.eval_every = STEPS_PER_EPOCH
  config.train.checkpoint_every = STEPS_PER_EPOCH
  config.train.log_every = 200
  config.train.best_metric = "perplexity"
  return config
