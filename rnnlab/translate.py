"""Translate sentences with a trained translation model.

  python -m rnnlab.translate --workdir=runs/translation_additive --beam=5 "I bought one red car."

Reads the run's ``config.json``, its tokenizers and its latest checkpoint (or
``--checkpoint=best|<step>``) through ``rnnlab.training.run_directory`` (the data set is not
needed), and prints one translation per argument on stdout (logs and errors go to stderr). ``--beam=1`` is greedy decoding; a larger
value runs beam search with the run's ``model.decoding.length_penalty`` (or
``--length_penalty``). Bad input is refused with a message: an empty sentence, one longer than
the model's ``data.max_source_length`` tokens, words the model has never seen (listed), or a
workdir without a trained model.
"""
import dataclasses
from typing import Any, NamedTuple

from absl import app
from absl import flags
import jax
import ml_collections
import numpy as np

from rnnlab import cli
from rnnlab.data import translation as data_lib
from rnnlab.models import builders
from rnnlab.models import seq2seq_decoding
from rnnlab.training import run_directory

TASK = "translation"  # the task whose runs this CLI reads

def _define_flags():
  """Defined only when run as a program, so several CLIs can be imported together."""
  flags.DEFINE_string("workdir", None, "Run directory of a trained translation model.")
  flags.DEFINE_integer("beam", 5, "Beam size; 1 = greedy decoding.")
  flags.DEFINE_float(
      "length_penalty", None, "GNMT length normalisation alpha (default: the run's config).")
  flags.DEFINE_string("checkpoint", "latest", "Checkpoint: latest, best or a step number.")


@dataclasses.dataclass(frozen=True)
class TrainedTranslator:
  config: ml_collections.ConfigDict
  model: Any
  params: Any
  source_tokenizer: Any
  target_tokenizer: Any
  step: int


def load_trained(workdir: str, checkpoint: str = "latest") -> TrainedTranslator:
  """The model, parameters and tokenizers of a translation run (latest checkpoint by default)."""
  config = run_directory.read_config(workdir, task=TASK, program="translate")
  source_tok = data_lib.load_tokenizer(run_directory.tokenizer_path(workdir, "source"))
  target_tok = data_lib.load_tokenizer(run_directory.tokenizer_path(workdir, "target"))
  restored = run_directory.restore_params(workdir, config, checkpoint)
  model = builders.build_seq2seq(config.model, source_tok.vocab_size, target_tok.vocab_size)
  return TrainedTranslator(config, model, restored.params, source_tok, target_tok,
                           restored.step)


def encode_source(translator: TrainedTranslator, text: str) -> np.ndarray:
  """Source ids of ``text``; ValueError for empty, too long or out-of-vocabulary input."""
  if not text.strip():
    raise ValueError("the source sentence is empty")
  unknown = translator.source_tokenizer.unknown_pieces(text)
  if unknown:
    raise ValueError(f"words not in the model's source vocabulary: "
                     f"{', '.join(repr(u) for u in dict.fromkeys(unknown))} (in {text!r})")
  ids = np.asarray(translator.source_tokenizer.encode(text), np.int32)
  limit = translator.config.data.max_source_length
  if len(ids) > limit:
    raise ValueError(f"the source has {len(ids)} tokens; this model accepts at most {limit} "
                     f"(data.max_source_length)")
  return ids


def source_batch(translator: TrainedTranslator, text: str) -> dict[str, np.ndarray]:
  """A batch of one, padded to its length bucket (compilations are shared per bucket)."""
  ids = encode_source(translator, text)
  bounds = tuple(translator.config.data.bucket_boundaries)
  width = bounds[data_lib.bucket_of(len(ids), bounds)]
  one = data_lib.EncodedPairs((ids,), (np.zeros((0,), np.int32),), np.zeros((1,), np.int32))
  return data_lib.make_batch(one, np.array([0]), width, width)


class Translation(NamedTuple):
  text: str  # detokenised output
  output_ids: np.ndarray  # int32 [N], output tokens including EOS (if produced)
  weights: np.ndarray  # float32 [N, S], attention of each output token over the S source tokens


def translate_one(translator: TrainedTranslator, text: str, beam: int = 5,
                  length_penalty: float | None = None) -> Translation:
  """Translation of ``text`` with its attention weights (zeros without attention)."""
  if beam < 1:
    raise ValueError(f"beam={beam}; allowed: an int >= 1 (1 = greedy)")
  batch = source_batch(translator, text)
  alpha = (translator.config.model.decoding.length_penalty if length_penalty is None
           else length_penalty)
  tokens, weights = seq2seq_decoding.translate_batch(
      translator.model, translator.params, batch, method="greedy" if beam == 1 else "beam",
      beam_size=beam, length_penalty=alpha,
      max_length=translator.config.data.max_target_length)
  tokens, weights = jax.device_get((tokens[0], weights[0]))
  eos = np.nonzero(np.asarray(tokens) == data_lib.EOS_ID)[0]
  n_out = int(eos[0]) + 1 if len(eos) else len(tokens)
  n_in = int(batch["source_length"][0])
  return Translation(translator.target_tokenizer.decode(tokens),
                     np.asarray(tokens)[:n_out], np.asarray(weights)[:n_out, :n_in])


def main(argv):
  texts = argv[1:]
  if not texts:
    raise app.UsageError('give one or more sentences: python -m rnnlab.translate '
                         '--workdir=DIR --beam=5 "text"')
  translator = load_trained(flags.FLAGS.workdir, flags.FLAGS.checkpoint)
  for text in texts:
    print(translate_one(translator, text, flags.FLAGS.beam, flags.FLAGS.length_penalty).text)


if __name__ == "__main__":
  _define_flags()
  flags.mark_flag_as_required("workdir")
  cli.run(main, program="rnnlab.translate")
