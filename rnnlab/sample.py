r"""Generate text from a trained language model's run dir.

    python -m rnnlab.sample --workdir=runs/demo --prompt="The " --temperature=0.8 \
        --length=300 [--checkpoint=latest|best] [--seed=0]

Reads ``config.json``, ``vocab.json`` and a checkpoint (the latest, the best by the
run's ``train.best_metric`` among the kept ones, or ``--checkpoint=<step>``) from the run
dir through ``rnnlab.training.run_directory``; nothing in it is written. A checkpoint that
cannot be read is named with the other kept steps (never replaced silently). Only the
generated text goes to stdout; the run and step are logged on stderr. The prompt is run through the model, then ``length`` tokens are drawn one at a
time from ``softmax(logits / temperature)`` (``temperature=0``: the most likely token).
A prompt with characters (or words) the vocabulary lacks, a run dir of another task, or a
checkpoint whose vocabulary size differs from ``vocab.json`` is a ValueError.
"""
import dataclasses
import functools
import math
from typing import Any

from absl import app
from absl import flags
from absl import logging
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab import cli
from rnnlab import data as data_lib
from rnnlab.models import builders
from rnnlab.models import language_model
from rnnlab.training import run_directory

TASK = "language_model"  # the task whose runs this CLI reads

CHECKPOINT_CHOICES = run_directory.CHECKPOINT_CHOICES

FLAGS = flags.FLAGS


def define_flags() -> None:
  """The command-line flags (defined only when run as a program, so importing is free)."""
  flags.DEFINE_string("workdir", None, "Run dir of a language-model run.")
  flags.DEFINE_string("prompt", "The ", "Text to start from (may be empty).")
  flags.DEFINE_float("temperature", 0.8, "Softmax temperature (0 = greedy).")
  flags.DEFINE_integer("length", 300, "Tokens to generate.")
  flags.DEFINE_string("checkpoint", "latest",
                      "Which checkpoint to load: latest, best or a step number.")
  flags.DEFINE_integer("seed", 0, "Sampling seed.")


@dataclasses.dataclass(frozen=True)
class LoadedRun:
  """A run dir's language model, ready to sample."""
  config: ml_collections.ConfigDict
  tokenizer: Any
  model: language_model.LanguageModel
  params: Any
  step: int


def choose_step(workdir: str, config: ml_collections.ConfigDict, which: str) -> int:
  """The checkpoint step to load: the newest, the best kept one by eval metric, or a step."""
  return run_directory.candidate_steps(workdir, config, which)[0]


def load_run(workdir: str, checkpoint: str = "latest") -> LoadedRun:
  """Config, tokenizer, model and parameters of a language-model run dir."""
  config = run_directory.read_config(workdir, task=TASK, program="sampling")
  tokenizer = data_lib.load_tokenizer(workdir)
  restored = run_directory.restore_params(workdir, config, checkpoint)
  params = restored.params
  data_lib.check_vocabulary_matches(
      tokenizer.vocabulary, vocab_size=int(params["embed"]["embedding"].shape[0]),
      source=f"checkpoint {restored.path}")
  model = builders.build_language_model(config.model, tokenizer.vocab_size)
  return LoadedRun(config=config, tokenizer=tokenizer, model=model, params=params,
                   step=restored.step)


@functools.partial(jax.jit, static_argnames=("model", "length", "greedy"))
def _generate(model, params, prompt: jax.Array, key: jax.Array, temperature: jax.Array, *,
              length: int, greedy: bool) -> jax.Array:
  """int32 [length] tokens continuing ``prompt`` (int32 [P], P >= 1)."""
  states, logits = model.apply({"params": params}, prompt[None, :])

  def draw(logits, key):
    if greedy:
      return jnp.argmax(logits, axis=-1).astype(jnp.int32)
    return jax.random.categorical(key, logits / temperature).astype(jnp.int32)

  def step(carry, key):
    states, last_logits = carry
    token = draw(last_logits, key)  # [1]
    states, logits = model.apply({"params": params}, token[:, None], initial_states=states)
    return (states, logits[:, -1]), token[0]

  _, tokens = jax.lax.scan(step, (states, logits[:, -1]), jax.random.split(key, length))
  return tokens


MAX_LENGTH = 100_000  # tokens per call: one jitted scan, its outputs held in memory


def generate(run: LoadedRun, prompt: str, *, length: int, temperature: float = 0.8,
             seed: int = 0) -> str:
  """The text of ``length`` tokens sampled after ``prompt`` (the prompt not included).

  An empty prompt starts after a newline (characters) or ``<eos>`` (words).
  """
  if not 1 <= length <= MAX_LENGTH:
    raise ValueError(f"length must be in [1, {MAX_LENGTH}] tokens, got {length}: the tokens are "
                     "drawn in one compiled loop held in memory; for more, call it again with "
                     "the end of the text as the prompt")
  if not (temperature >= 0 and math.isfinite(temperature)):
    raise ValueError(f"temperature must be a finite number >= 0 (0 = greedy), got {temperature}")
  ids = run.tokenizer.encode(prompt if prompt else "\n", on_unseen="error")
  if ids.shape[0] == 0:  # a word prompt of only spaces
    ids = run.tokenizer.encode("\n", on_unseen="error")
  tokens = _generate(run.model, run.params, jnp.asarray(ids, jnp.int32), jax.random.key(seed),
                     jnp.float32(max(temperature, 1e-6)), length=length,
                     greedy=temperature == 0)
  return run.tokenizer.decode(np.asarray(tokens))


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  if not FLAGS.workdir:
    raise ValueError("--workdir is required")
  run = load_run(FLAGS.workdir, FLAGS.checkpoint)
  text = generate(run, FLAGS.prompt, length=FLAGS.length, temperature=FLAGS.temperature,
                  seed=FLAGS.seed)
  logging.info("%s, checkpoint step %d, temperature %s", FLAGS.workdir, run.step,
               FLAGS.temperature)
  print(FLAGS.prompt + text)  # stdout holds only the answer


if __name__ == "__main__":
  define_flags()
  cli.run(main, program="rnnlab.sample")
