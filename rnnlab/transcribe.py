"""Transcribe WAV files (or score a data split) with a trained speech model (CTC, LAS, joint).

  python -m rnnlab.transcribe --workdir=runs/speech_bilstm file.wav [more.wav ...]
  python -m rnnlab.transcribe --workdir=runs/speech_bilstm --split=test \\
      --lm=kneser_ney --lm_weight=0.5

Reads the run's ``config.json`` and its latest checkpoint (``rnnlab.training.run_directory``);
only the transcripts go to stdout, logs and errors to stderr. Files are read as mono PCM
WAV (another sample rate is resampled to the model's 16 kHz; stereo, empty or corrupt
files are rejected with a message); each prints ``path<TAB>transcript``.
``--decoder``: ``ctc_greedy`` (best path), ``ctc_beam`` (prefix beam search) or
``ctc_beam_lm`` (beam search with shallow fusion of the character LM) on a ``ctc`` or
``joint`` run; ``attention_greedy`` or ``attention_beam`` (beam search with length
normalisation) on a ``las`` or ``joint`` run; ``joint_beam`` (the attention beam's n-best
rescored with the CTC log-likelihood) on a ``joint`` run. The default is the run's
architecture's (``ctc_beam``, ``attention_beam``, ``joint_beam``); a decoder the run's
model cannot run is a one-line error. ``--split`` instead
decodes a whole split of the run's dataset with every method and prints CER/WER as JSON
(and writes ``transcripts_<split>.tsv`` to the workdir). The ``--lm*``, ``--beam_size``,
``--insertion_bonus``, ``--length_penalty`` and ``--ctc_weight`` flags override the run's
``model.decoding`` settings.
"""
import json
import math
from typing import Any

from absl import app
from absl import flags
import ml_collections
import numpy as np
import soundfile

from rnnlab import cli
from rnnlab.data.speech import wav_io
from rnnlab.models import builders
from rnnlab.models import speech_decoding
from rnnlab.training import run_directory

TASK = "ctc_speech"  # the task whose runs this CLI reads

def _define_flags():
  """Defined only when run as a program, so several CLIs can be imported together."""
  flags.DEFINE_string("workdir", None, "Run directory of a trained ctc_speech model.")
  flags.DEFINE_enum("decoder", None, list(speech_decoding.DECODERS),
                    "Decoding method for WAV files (default: the run's architecture's).")
  flags.DEFINE_string("split", None, "Score this split (train/validation/test) "
                      "instead of transcribing files.")
  flags.DEFINE_enum("lm", None, list(speech_decoding.LM_CHOICES), "Override model.decoding.lm.")
  flags.DEFINE_float("lm_weight", None, "Override model.decoding.lm_weight.")
  flags.DEFINE_integer("lm_order", None, "Override model.decoding.lm_order.")
  flags.DEFINE_float("insertion_bonus", None, "Override model.decoding.insertion_bonus.")
  flags.DEFINE_integer("beam_size", None, "Override model.decoding.beam_size.")
  flags.DEFINE_float("length_penalty", None, "Override model.decoding.length_penalty "
                     "(attention beam, GNMT alpha).")
  flags.DEFINE_float("ctc_weight", None, "Override model.decoding.ctc_weight (joint_beam's "
                     "lambda).")
  flags.mark_flag_as_required("workdir")


def load_trained(workdir: str, checkpoint: str = "latest"
                 ) -> tuple[ml_collections.ConfigDict, Any, Any]:
  """``(config, model, params)`` of a ctc_speech run (its latest checkpoint by default)."""
  config = run_directory.read_config(workdir, task=TASK, program="transcribe")
  model = builders.build_speech_recognizer(config)
  return config, model, run_directory.restore_params(workdir, config, checkpoint).params


MAX_SECONDS = 60.0  # per file: the whole file is decoded in one pass (memory grows with it)


def check_duration(path: str, max_seconds: float = MAX_SECONDS) -> None:
  """Refuses a file longer than ``max_seconds`` from its header, before reading its samples.

  The models are trained on utterances of a few seconds and a file is featurised, encoded
  and decoded in one pass, so memory grows with its length (a 10-minute WAV passed 10 GB);
  longer recordings must be cut first. A header soundfile cannot read is left to the reader,
  whose error names the file.
  """
  try:
    info = soundfile.info(path)
  except Exception:  # pylint: disable=broad-except
    return
  seconds = info.frames / max(info.samplerate, 1)
  if seconds > max_seconds:
    raise ValueError(
        f"{path} is {seconds:.1f} s long; rnnlab.transcribe takes at most {max_seconds:.0f} s "
        "per file (one pass over the whole file: memory grows with its length). Cut it first, "
        f"e.g. `sox {path} part.wav trim 0 {max_seconds:.0f} : newfile : restart`")


def audio_batch(path: str, bucket_samples: int) -> dict[str, np.ndarray]:
  """One WAV file as a batch of one (int16 audio padded to a multiple of ``bucket_samples``).

  Raises:
    ValueError: see ``wav_io.read_wav``, and a file over ``MAX_SECONDS`` (``check_duration``).
  """
  check_duration(path)
  waveform, _ = wav_io.read_wav(path, sample_rate=builders.SPEECH_SAMPLE_RATE, resample_to_rate=True)
  pcm = wav_io.float_to_int16(waveform)
  width = -(-pcm.shape[0] // bucket_samples) * bucket_samples
  audio = np.zeros((1, width), np.int16)
  audio[0, :pcm.shape[0]] = pcm
  return {"audio": audio, "num_samples": np.array([pcm.shape[0]], np.int32)}


def override_decoding(config: ml_collections.ConfigDict, **overrides) -> None:
  """Sets ``config.model.decoding.<key>`` for every override that is not None.

  Raises:
    ValueError: a NaN or infinite number (``--lm_weight=nan`` was used silently by decoders
      that do not read it, and gave an empty transcript with the LM), before any decoding.
  """
  for key, value in overrides.items():
    if isinstance(value, float) and not math.isfinite(value):
      raise ValueError(f"--{key}={value}; allowed: a finite number")
  for key, value in overrides.items():
    if value is not None:
      config.model.decoding[key] = value


def transcribe(paths, workdir: str, decoder: str | None = None, **decoding_overrides
               ) -> list[str]:
  """Transcripts of the WAV files ``paths`` with the model trained in ``workdir``.

  ``decoder``: one of ``speech_decoding.DECODERS`` that the run's architecture can run (None:
  its default, ``speech_decoding.DEFAULT_DECODER``); ValueError otherwise.
  """
  config, model, params = load_trained(workdir)
  override_decoding(config, **decoding_overrides)
  decoder = decoder or speech_decoding.default_decoder(config)
  speech_decoding.check_decoder(config, decoder)
  log_prob_fn = (speech_decoding.make_log_prob_fn(config, model)
                 if decoder in speech_decoding.CTC_DECODERS else None)
  lm = speech_decoding.fit_lm(config) if decoder == "ctc_beam_lm" else None
  bucket = int(round(config.data.bucket_seconds * builders.SPEECH_SAMPLE_RATE))
  outputs = []
  for path in paths:
    decoded = speech_decoding.decode_batch(config, model, params, audio_batch(path, bucket), lm,
                                      (decoder,), log_prob_fn)
    outputs.append(decoded[decoder][0])
  return outputs


def score_split(split: str, workdir: str, **decoding_overrides) -> dict[str, float]:
  """CER/WER of every decoding method on ``split`` of the run's dataset."""
  config, model, params = load_trained(workdir)
  override_decoding(config, **decoding_overrides)
  lm = speech_decoding.fit_lm(config) if speech_decoding.has_ctc_outputs(config) else None
  return speech_decoding.evaluate_split(config, model, params, split, workdir, lm=lm)


def main(argv):
  paths = argv[1:]
  f = flags.FLAGS
  overrides = dict(lm=f.lm, lm_weight=f.lm_weight, lm_order=f.lm_order,
                   insertion_bonus=f.insertion_bonus, beam_size=f.beam_size,
                   length_penalty=f.length_penalty, ctc_weight=f.ctc_weight)
  if bool(paths) == bool(flags.FLAGS.split):
    raise app.UsageError("give WAV files or --split, not both (nor neither): python -m "
                         "rnnlab.transcribe --workdir=DIR file.wav")
  if flags.FLAGS.split:
    print(json.dumps(score_split(flags.FLAGS.split, flags.FLAGS.workdir, **overrides), indent=2))
    return
  texts = transcribe(paths, flags.FLAGS.workdir, flags.FLAGS.decoder, **overrides)
  for path, text in zip(paths, texts):
    print(f"{path}\t{text}")


if __name__ == "__main__":
  _define_flags()
  cli.run(main, program="rnnlab.transcribe")
