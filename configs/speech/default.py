"""Speech recognition on the embedded sets: 3-layer BiLSTM(160) over log-mels, CTC by default.

Data: the harder embedded set ``rnnlab_prose_speech`` (open-vocabulary prose read by the
eSpeak NG voices; its ``test_flite`` split is read by CMU Flite). The template set of
issue 7, ``rnnlab_speech``, is the variant ``templates``.

Run (the first run generates the data set under ~/tensorflow_datasets: ~10 minutes for the
prose set, ~1 minute for the template set):
  python -m rnnlab.main --config=configs/speech/default.py --workdir=runs/speech_bilstm
  python -m rnnlab.main --config=configs/speech/default.py --workdir=runs/speech_bigru \\
      --config.model.cell=gru
  python -m rnnlab.main --config=configs/speech/default.py:templates --workdir=runs/speech_tpl
  python -m rnnlab.main --config=configs/speech/default.py:debug --workdir=/tmp/speech_debug
Score the unseen-engine split, transcribe a WAV file with the trained model:
  python -m rnnlab.transcribe --workdir=runs/speech_bilstm --split=test_flite
  python -m rnnlab.transcribe --workdir=runs/speech_bilstm file.wav

Where it lands: README, "Ranking the recognisers" (measured on the prose set; on the
template set greedy CER was 1.4% on test after 1,200 steps, too close to the floor to rank
anything). The LM fusion weights below were tuned on the template set's validation split.
``final_metrics.json`` holds ``test_{ctc_greedy,ctc_beam,ctc_beam_lm}_{cer,wer}`` (and the
same for ``validation``); ``transcripts_test.tsv`` holds the outputs.
Listen, Attend and Spell, and LAS + CTC trained on the joint loss (README, "Listen, Attend
and Spell and joint CTC-attention"):
  python -m rnnlab.main --config=configs/speech/default.py --workdir=runs/speech_las \\
      --config.model.architecture=las
  python -m rnnlab.main --config=configs/speech/default.py --workdir=runs/speech_joint \\
      --config.model.architecture=joint --config.model.ctc_weight=0.3
The ``debug`` variant (the template set's ``tiny`` config, hidden 8, 4 steps) only checks
that everything runs.
"""
import ml_collections

from rnnlab import training
from rnnlab.training import config_builders
from rnnlab.tasks import ctc_speech  # noqa: F401  (registers the task)


def get_config(variant: str | None = None) -> ml_collections.ConfigDict:
  config = training.base_config("ctc_speech")
  # The harder embedded set: open-vocabulary prose (the template set: variant "templates").
  config.data.dataset = "rnnlab_prose_speech"
  config.data.frame_stacking = 3
  config.model.cell = "lstm"
  config.model.hidden_size = 160
  config.model.num_layers = 3
  config.model.bidirectional = True
  config.model.dropout_rate = 0.1
  # Beam search + shallow fusion of a 6-gram Kneser-Ney character LM fitted on the training
  # transcripts (weights tuned on the validation split).
  config.model.decoding.beam_size = 8
  config.model.decoding.lm = "kneser_ney"
  config.model.decoding.lm_order = 6
  config.model.decoding.lm_weight = 0.8
  config.model.decoding.insertion_bonus = 1.5
  config.optimizer.learning_rate = 2e-3
  config_builders.cosine_schedule(config.optimizer, warmup_steps=100)
  config.optimizer.clip_norm = 5.0
  config.train.num_steps = 1200
  config.train.checkpoint_every = 250
  config.train.log_every = 25
  config.train.best_metric = "cer"
  if variant == "templates":
    config.data.dataset = "rnnlab_speech"
  elif variant == "debug":
    config.data.dataset = "rnnlab_speech"  # its tiny config: no LM corpus, no Flite
    config.data.builder_config = "tiny"
    config.data.bucket_seconds = 5.0  # one bucket: compiles once
    config.model.hidden_size = 8
    config.model.num_layers = 1
    config.model.decoding.beam_size = 2
    config.model.decoding.lm = "kneser_ney"
    config.model.decoding.lm_order = 3
    config_builders.short_run(config.train, batch_size=4, num_steps=4, every=2)
    config.optimizer.warmup_steps = 0
  elif variant is not None:
    raise config_builders.unknown_variant(variant, "configs/speech/default.py",
                                          ("templates", "debug"))
  return config
