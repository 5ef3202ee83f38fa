r"""Generate text from a trained language model's run dir.

    python -m rnnlab.sample --workdir=runs/demo --prompt="The " --temperature=0.8 \
        --length=300 [--checkpoint=latest|best] [--seed=0]

Reads ``config.json``, ``vocab.json`` and a checkpoint (the latest, or the best by the
run's ``train.best_metric`` among the kept ones) from the run dir; nothing in it is
written. The prompt is run through the model, then ``length`` tokens are drawn one at a
time from ``softmax(logits / temperature)`` (``temperature=0``: the most likely token).
A prompt with characters (or words) the vocabulary lacks, a run dir of another task, or a
checkpoint whose vocabulary size differs from ``vocab.json`` is a ValueError.
"""
import dataclasses
import functools
import json
import math
import os
import sys
from typing import Any

from absl import app
from absl import flags
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import orbax.checkpoint as ocp

from rnnlab import data as data_lib
from rnnlab.models import language_model
from rnnlab.tasks import language_model as lm_task

CHECKPOINT_CHOICES = ("latest", "best")

FLAGS = flags.FLAGS


def define_flags() -> None:
  """The command-line flags (defined only when run as a program, so importing is free)."""
  flags.DEFINE_string("workdir", None, "Run dir of a language-model run.")
  flags.DEFINE_string("prompt", "The ", "Text to start from (may be empty).")
  flags.DEFINE_float("temperature", 0.8, "Softmax temperature (0 = greedy).")
  flags.DEFINE_integer("length", 300, "Tokens to generate.")
  flags.DEFINE_enum("checkpoint", "latest", list(CHECKPOINT_CHOICES),
                    "Which checkpoint to load.")
  flags.DEFINE_integer("seed", 0, "Sampling seed.")


@dataclasses.dataclass(frozen=True)
class LoadedRun:
  """A run dir's language model, ready to sample."""
  config: ml_collections.ConfigDict
  tokenizer: Any
  model: language_model.LanguageModel
  params: Any
  step: int


def _read_json(path: str) -> Any:
  if not os.path.isfile(path):
    raise ValueError(f"{path!r} does not exist: not an rnnlab run dir")
  with open(path) as f:
    return json.load(f)


def _eval_values(workdir: str, metric: str) -> dict[int, float]:
  values = {}
  path = os.path.join(workdir, "metrics.jsonl")
  if os.path.exists(path):
    with open(path) as f:
      for line in f:
        try:
          record = json.loads(line)
        except json.JSONDecodeError:
          continue
        if record.get("split") == "eval" and isinstance(record.get(metric), float):
          values[int(record["step"])] = record[metric]
  return values


def choose_step(workdir: str, config: ml_collections.ConfigDict, which: str) -> int:
  """The checkpoint step to load: the newest, or the best kept one by eval metric."""
  if which not in CHECKPOINT_CHOICES:
    raise ValueError(f"checkpoint={which!r}; allowed: {CHECKPOINT_CHOICES}")
  directory = os.path.join(workdir, "checkpoints")
  steps = sorted(int(name) for name in os.listdir(directory) if name.isdigit()) if (
      os.path.isdir(directory)) else []
  if not steps:
    raise ValueError(f"no checkpoints in {directory!r}; train first (python -m rnnlab.main)")
  if which == "latest":
    return steps[-1]
  metric, mode = config.train.best_metric, config.train.best_mode
  values = _eval_values(workdir, metric) if metric else {}
  ranked = [s for s in steps if s in values]
  if not ranked:
    raise ValueError(f"no kept checkpoint of {workdir!r} has an eval {metric!r} value; use "
                     "--checkpoint=latest")
  pick = min if mode == "min" else max
  return pick(ranked, key=lambda s: values[s])


def _restore_params(path: str) -> Any:
  """The ``params`` of a saved TrainState, on this process's first device."""
  checkpointer = ocp.StandardCheckpointer()
  path = os.path.abspath(path)  # orbax refuses relative paths (and then reports no metadata)
  metadata = checkpointer.metadata(path).item_metadata
  if metadata is None:
    raise ValueError(f"checkpoint {path!r} has no readable item metadata (damaged or "
                     "incomplete); use another one (--checkpoint=latest|best) or retrain")
  tree = metadata.tree
  device = jax.sharding.SingleDeviceSharding(jax.devices()[0])
  abstract = jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=device),
                          tree)
  return checkpointer.restore(path, abstract)["params"]


def load_run(workdir: str, checkpoint: str = "latest") -> LoadedRun:
  """Config, tokenizer, model and parameters of a language-model run dir."""
  config = ml_collections.ConfigDict(_read_json(os.path.join(workdir, "config.json")))
  if config.get("task") != lm_task.LanguageModelTask.name:
    raise ValueError(f"{workdir!r} is a {config.get('task')!r} run; sampling needs a "
                     f"{lm_task.LanguageModelTask.name!r} run")
  tokenizer = data_lib.load_tokenizer(workdir)
  step = choose_step(workdir, config, checkpoint)
  path = os.path.join(workdir, "checkpoints", str(step), "state")
  params = _restore_params(path)
  data_lib.check_vocabulary_matches(
      tokenizer.vocabulary, vocab_size=int(params["embed"]["embedding"].shape[0]),
      source=f"checkpoint {path}")
  model = lm_task.build_model(config, tokenizer.vocab_size)
  return LoadedRun(config=config, tokenizer=tokenizer, model=model, params=params, step=step)


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


def generate(run: LoadedRun, prompt: str, *, length: int, temperature: float = 0.8,
             seed: int = 0) -> str:
  """The text of ``length`` tokens sampled after ``prompt`` (the prompt not included).

  An empty prompt starts after a newline (characters) or ``<eos>`` (words).
  """
  if length < 1:
    raise ValueError(f"length must be >= 1, got {length}")
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
    sys.exit("rnnlab.sample: --workdir is required")
  try:
    run = load_run(FLAGS.workdir, FLAGS.checkpoint)
    text = generate(run, FLAGS.prompt, length=FLAGS.length, temperature=FLAGS.temperature,
                    seed=FLAGS.seed)
  except ValueError as error:
    sys.exit(f"rnnlab.sample: {error}")
  print(f"[{FLAGS.workdir}, checkpoint step {run.step}, temperature {FLAGS.temperature}]")
  print(FLAGS.prompt + text)


if __name__ == "__main__":
  define_flags()
  app.run(main)
