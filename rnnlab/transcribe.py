"""Transcribe WAV files with a trained CTC speech model.

  python -m rnnlab.transcribe --workdir=runs/speech_bilstm file.wav [more.wav ...]

Reads the run's ``config.json`` and its latest checkpoint, reads each file as mono
16-bit PCM (another sample rate is resampled to the model's 16 kHz; stereo, empty or
corrupt files are rejected with a message), and prints ``path<TAB>transcript`` per file.
``--decoder=greedy`` uses best-path decoding; ``beam`` (default) uses prefix beam search
with the run's ``model.decoding`` settings (and its character LM, if it has one).
"""
import json
import os
import sys
from typing import Any

from absl import app
from absl import flags
import jax
import ml_collections
import numpy as np
import orbax.checkpoint as ocp

from rnnlab.data.speech import wav_io
from rnnlab.tasks import ctc_speech
from rnnlab.tasks import registry
from rnnlab.training import train_loop

_WORKDIR = flags.DEFINE_string("workdir", None, "Run directory of a trained ctc_speech model.")
_DECODER = flags.DEFINE_enum("decoder", "beam", ["greedy", "beam"], "Decoding method.")
flags.mark_flag_as_required("workdir")


def load_trained(workdir: str) -> tuple[ml_collections.ConfigDict, Any, Any]:
  """``(config, model, params)`` of the latest checkpoint of a ctc_speech run."""
  config_path = os.path.join(workdir, train_loop.CONFIG_FILE)
  if not os.path.isfile(config_path):
    raise ValueError(f"{workdir}: no {train_loop.CONFIG_FILE}; is it an rnnlab run directory?")
  with open(config_path) as f:
    config = ml_collections.ConfigDict(json.load(f))
  if config.task != ctc_speech.CTCSpeechTask.name:
    raise ValueError(f"{workdir} is a {config.task!r} run; transcribe needs a "
                     f"{ctc_speech.CTCSpeechTask.name!r} run.")
  model = registry.get_task(config.task).build_model(config)
  directory = os.path.abspath(os.path.join(workdir, "checkpoints"))
  manager = ocp.CheckpointManager(directory) if os.path.isdir(directory) else None
  step = manager.latest_step() if manager is not None else None
  if step is None:
    raise ValueError(f"{workdir}: no checkpoint under {directory}; train the model first.")
  restored = manager.restore(step, args=ocp.args.Composite(state=ocp.args.StandardRestore()))
  manager.close()
  return config, model, restored.state["params"]


def audio_batch(path: str, bucket_samples: int) -> dict[str, np.ndarray]:
  """One WAV file as a batch of one (int16 audio padded to a multiple of ``bucket_samples``)."""
  waveform, _ = wav_io.read_wav(path, sample_rate=ctc_speech.SAMPLE_RATE, resample_to_rate=True)
  pcm = wav_io.float_to_int16(waveform)
  width = -(-pcm.shape[0] // bucket_samples) * bucket_samples
  audio = np.zeros((1, width), np.int16)
  audio[0, :pcm.shape[0]] = pcm
  return {"audio": audio, "num_samples": np.array([pcm.shape[0]], np.int32)}


def transcribe(paths, workdir: str, decoder: str = "beam") -> list[str]:
  """Transcripts of the WAV files ``paths`` with the model trained in ``workdir``."""
  config, model, params = load_trained(workdir)
  log_prob_fn = ctc_speech.make_log_prob_fn(config, model)
  lm = ctc_speech._fit_lm(config) if decoder == "beam" else None  # pylint: disable=protected-access
  bucket = int(round(config.data.bucket_seconds * ctc_speech.SAMPLE_RATE))
  outputs = []
  for path in paths:
    log_probs, lengths = jax.device_get(log_prob_fn(params, audio_batch(path, bucket)))
    outputs.append(ctc_speech.decode_log_probs(log_probs, lengths, config, lm)[decoder][0])
  return outputs


def main(argv):
  paths = argv[1:]
  if not paths:
    raise app.UsageError("give one or more WAV files: python -m rnnlab.transcribe "
                         "--workdir=DIR file.wav")
  try:
    texts = transcribe(paths, _WORKDIR.value, _DECODER.value)
  except ValueError as error:
    sys.exit(f"rnnlab.transcribe: {error}")
  for path, text in zip(paths, texts):
    print(f"{path}\t{text}")


if __name__ == "__main__":
  app.run(main)
