"""Caption images with a trained captioning model.

  python -m rnnlab.caption --workdir=runs/captioning image.png [more.png] [--beam=3]
      [--checkpoint=latest|best|<step>] [--attention_maps=DIR]

Reads the run's ``config.json``, its caption tokenizer and a checkpoint through
``rnnlab.training.run_directory`` (the training data are not needed), and prints one line
per image on stdout, ``<file>\\t<caption>`` (logs and errors go to stderr). ``--beam=1`` is
greedy decoding. ``--attention_maps=DIR`` writes ``DIR/<image name>.attention.png``: each
word's attention over the image (show-attend-tell runs). An image that is missing, not an
image, of zero size or of another channel layout is refused naming the file.
"""
import dataclasses
import os
from typing import Any

from absl import app
from absl import flags
import jax
import ml_collections
import numpy as np

from rnnlab import cli
from rnnlab import decoding
from rnnlab.analysis import caption_attention
from rnnlab.data.captioning import batching
from rnnlab.data.captioning import image_files
from rnnlab.data.translation import tokenizers
from rnnlab.models import captioner
from rnnlab.training import run_directory

TASK = "captioning"


def _define_flags():
  """Defined only when run as a program, so several CLIs can be imported together."""
  flags.DEFINE_string("workdir", None, "Run directory of a trained captioning model.")
  flags.DEFINE_integer("beam", 3, "Beam size; 1 = greedy decoding.")
  flags.DEFINE_string("checkpoint", "latest", "Checkpoint: latest, best or a step number.")
  flags.DEFINE_string("attention_maps", "", "Folder for per-word attention overlays (PNG).")


@dataclasses.dataclass(frozen=True)
class TrainedCaptioner:
  config: ml_collections.ConfigDict
  model: captioner.Captioner
  params: Any
  tokenizer: Any
  step: int


def load_trained(workdir: str, checkpoint: str = "latest") -> TrainedCaptioner:
  """The model, parameters and tokenizer of a captioning run."""
  config = run_directory.read_config(workdir, task=TASK, program="rnnlab.caption")
  tokenizer = tokenizers.load_tokenizer(run_directory.tokenizer_path(workdir, "caption"))
  restored = run_directory.restore_params(workdir, config, checkpoint)
  model = captioner.from_config(config.model, tokenizer.vocab_size)
  return TrainedCaptioner(config, model, restored.params, tokenizer, restored.step)


def caption_image(trained: TrainedCaptioner, path: str, beam: int = 3
                  ) -> tuple[str, list[str], np.ndarray, np.ndarray]:
  """``(caption, words, attention [L, R], image [S, S, 3])`` of the image file at ``path``."""
  if beam < 1:
    raise ValueError(f"beam={beam}; allowed: an int >= 1 (1 = greedy)")
  image = image_files.read_image(path, trained.config.data.image_size)
  return caption_array(trained, image, beam)


def caption_array(trained: TrainedCaptioner, image: np.ndarray, beam: int = 3
                  ) -> tuple[str, list[str], np.ndarray, np.ndarray]:
  """:func:`caption_image` of a uint8 ``[S, S, 3]`` image (``S = config.data.image_size``)."""
  if beam < 1:
    raise ValueError(f"beam={beam}; allowed: an int >= 1 (1 = greedy)")
  encode_fn, step_fn = captioner.decoder_functions(trained.model)
  static, carry = encode_fn(trained.params, image[None])
  limits = dict(bos_id=batching.BOS_ID, eos_id=batching.EOS_ID,
                max_length=trained.config.data.max_length)
  if beam == 1:
    out = decoding.greedy_search(step_fn, trained.params, static, carry, **limits)
    tokens, weights = out.tokens[0], out.aux[0]
  else:
    out = decoding.beam_search(step_fn, trained.params, static, carry, beam_size=beam,
                               alpha=trained.config.model.decoding.length_penalty, **limits)
    tokens, weights = out.tokens[0, 0], out.aux[0, 0]
  tokens, weights = (np.asarray(x) for x in jax.device_get((tokens, weights)))
  eos = np.nonzero(tokens == batching.EOS_ID)[0]
  n = int(eos[0]) if len(eos) else len(tokens)
  words = [trained.tokenizer.decode([t]).strip() for t in tokens[:n]]
  keep = [k for k, w in enumerate(words) if w]  # spaces are pieces of the word tokenizer
  return (trained.tokenizer.decode(tokens), [words[k] for k in keep], weights[keep], image)


def main(argv):
  paths = argv[1:]
  if not paths:
    raise app.UsageError("give one or more images: python -m rnnlab.caption --workdir=DIR "
                         "image.png")
  out_dir = flags.FLAGS.attention_maps
  if out_dir:  # refused before any work
    run_directory.check_location(out_dir, flag="--attention_maps")
  trained = load_trained(flags.FLAGS.workdir, flags.FLAGS.checkpoint)
  if out_dir and trained.config.model.variant != "show_attend_tell":
    raise ValueError(f"--attention_maps needs a show_attend_tell run; {flags.FLAGS.workdir!r} "
                     f"is {trained.config.model.variant!r} (no attention)")
  for path in paths:
    text, words, weights, image = caption_image(trained, path, flags.FLAGS.beam)
    print(f"{path}\t{text}", flush=True)
    if out_dir:
      os.makedirs(out_dir, exist_ok=True)
      name = os.path.splitext(os.path.basename(path))[0]
      caption_attention.plot_caption_attention(
          image, words, weights, os.path.join(out_dir, f"{name}.attention.png"), title=text)


if __name__ == "__main__":
  _define_flags()
  flags.mark_flag_as_required("workdir")
  cli.run(main, program="rnnlab.caption")
