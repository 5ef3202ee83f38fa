"""The shared body of Zaremba et al. (2014)'s PTB word-LM configs (configs/lm/zaremba_*.py).

Every size uses: word-level PTB-layout files, 2 LSTM layers, B=20, every parameter drawn
from U(-s, s) (forget bias 0), loss summed over time, SGD lr 1.0 with per-epoch step decay,
global-norm clipping, one eval/checkpoint per epoch. The sizes differ only in the arguments.
"""
import ml_collections

from rnnlab.training import defaults

PTB_TRAIN_TOKENS = 929_589
BATCH_SIZE = 20


def zaremba_config(*, hidden_size: int, seq_len: int, dropout_rate: float, init_scale: float,
                   decay_factor: float, decay_start_epoch: int, clip_norm: float,
                   epochs: int) -> ml_collections.ConfigDict:
  """A ``language_model`` config with Zaremba et al.'s published hyperparameters."""
  steps_per_epoch = (PTB_TRAIN_TOKENS - 1) // BATCH_SIZE // seq_len
  config = defaults.base_config("language_model")
  config.data.dataset = "files"
  config.data.path = "data/ptb"
  config.data.tokenizer = "word"
  config.data.mode = "tbptt"
  config.data.seq_len = seq_len
  config.data.ngram_order = 5
  config.model.cell = "lstm"
  config.model.num_layers = 2
  config.model.hidden_size = hidden_size
  config.model.embed_size = hidden_size
  config.model.dropout_rate = dropout_rate
  config.model.init_scale = init_scale
  config.model.lstm.forget_bias = 0.0  # every parameter is drawn from U(-s, s)
  config.model.loss_reduction = "sum_over_time"
  config.optimizer.name = "sgd"
  config.optimizer.learning_rate = 1.0
  config.optimizer.schedule = "step_decay"
  config.optimizer.decay_factor = decay_factor
  config.optimizer.decay_start_epoch = decay_start_epoch
  config.optimizer.clip = "global_norm"
  config.optimizer.clip_norm = clip_norm
  config.train.batch_size = BATCH_SIZE
  config.train.eval_batch_size = BATCH_SIZE
  config.train.num_steps = epochs * steps_per_epoch
  config.train.eval_every = steps_per_epoch
  config.train.checkpoint_every = steps_per_epoch
  config.train.log_every = 200
  config.train.best_metric = "perplexity"
  return config
