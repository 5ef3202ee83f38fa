"""Image captioning on the embedded rendered-shapes set: show, attend and tell (LSTM decoder).

  python -m rnnlab.main --config=configs/captioning/default.py --workdir=runs/captioning
  python -m rnnlab.main --config=configs/captioning/default.py:debug --workdir=/tmp/caption_debug

Variants: ``--config.model.variant=show_and_tell``; any decoder cell
(``--config.model.cell=gru``). Your own Flickr8k-layout folder:
``--config.data.dataset=files --config.data.path=DIR``. Then caption images:
``python -m rnnlab.caption --workdir=runs/captioning image.png``. The final report
(``final_metrics.json``, ``captions_<split>.tsv``) gives BLEU-1..4 (greedy and beam) and the
attribute exact match on the test split of unseen colour-shape pairs.
"""
from rnnlab import training


def get_config(variant: str = ""):
  config = training.base_config("captioning")
  config.optimizer.learning_rate = 2e-3
  config.optimizer.schedule = "cosine"
  config.optimizer.clip_norm = 5.0
  config.train.batch_size = 64
  config.train.num_steps = 3000
  config.train.eval_every = 500
  config.train.checkpoint_every = 500
  if variant == "debug":
    config.data.dataset = "rnnlab_shapes_captions/tiny"
    config.data.image_size = 32
    config.model.hidden_size = 32
    config.model.channels = 8
    config.model.num_stages = 2
    config.model.decoding.beam_size = 2
    config.train.batch_size = 8
    config.train.num_steps = 6
    config.train.eval_every = 3
    config.train.checkpoint_every = 3
    config.train.log_every = 2
  elif variant:
    raise ValueError(f"unknown variant {variant!r} of configs/captioning/default.py; allowed: "
                     "'' or 'debug'")
  return config
