"""Sentence classification on the embedded rnnlab_doc_subjects set (8 subjects), BiLSTM + attention pooling.

Run:
  python -m rnnlab.main --config=configs/classification/default.py --workdir=runs/classify
  python -m rnnlab.main --config=configs/classification/default.py --workdir=runs/classify_gru_mean \\
      --config.model.cell=gru --config.model.pooling=mean
  python -m rnnlab.main --config=configs/classification/default.py --workdir=runs/sst2 \\
      --config.data.dataset=glue/sst2 --config.data.data_dir=DIR    # a prepared TFDS dir
  python -m rnnlab.main --config=configs/classification/default.py:debug --workdir=/tmp/classify_debug

The set is generated on first use (about 20 s, nothing downloaded): 11.9k / 1.5k / 1.5k
sentences of CPython's documentation labelled by the subject of the document they come
from (see rnnlab/data/classification/doc_subjects.py). Chance is 1/8 (the largest class,
internet, is ~23% of the test split). What it should reach and the measured cell x pooling
table are in the README ("Sentence classification"). The run directory gets
classification_report_test.json, confusion_matrix_test.png and attention_weights_test.png.
The ``debug`` variant (the tiny set cut to 16 words, hidden 16, 30 steps) only checks that
everything runs.
"""
import ml_collections

from rnnlab import training
from rnnlab.training import config_builders
from rnnlab.tasks import classification  # noqa: F401  (registers the task)


def get_config(variant: str | None = None) -> ml_collections.ConfigDict:
  config = training.base_config("classification")
  config.data.dataset = "rnnlab_doc_subjects"
  config.data.max_length = 64
  config.data.vocab_size = 20_000
  config.model.cell = "lstm"
  config.model.hidden_size = 128
  config.model.embed_size = 128
  config.model.bidirectional = True
  config.model.pooling = "attention"
  config.model.attention_size = 64
  config.model.dropout_rate = 0.3
  config.optimizer.learning_rate = 2e-3
  config.train.num_steps = 3000
  config.train.eval_every = 500
  config.train.checkpoint_every = 500
  config.train.log_every = 100
  config.train.best_metric = "macro_f1"
  config.train.best_mode = "max"
  if variant == "debug":
    config.data.dataset = "rnnlab_doc_subjects/tiny"
    config.data.max_eval_examples = 64
    config.data.max_length = 16  # one padded length: the train and eval steps compile once
    config.model.hidden_size = 16
    config.model.embed_size = 16
    config.model.attention_size = 8
    config_builders.short_run(config.train, batch_size=16, num_steps=30, every=15, log_every=10)
  elif variant is not None:
    raise config_builders.unknown_variant(variant, "configs/classification/default.py", ("debug",))
  return config
