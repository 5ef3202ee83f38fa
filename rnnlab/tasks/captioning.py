"""Image captioning (seeds 000-004): CNN encoder + RNN decoder, BLEU-1..4 and exact match.

Data (``data.dataset``): the embedded rendered-shapes set ``rnnlab_shapes_captions``
(generated offline; its ``test`` split holds colour-shape pairs never seen in training),
a Flickr8k-layout folder (``files`` + ``data.path``) or ``coco_captions`` (TFDS, prepared,
``tf`` extra). A word tokenizer is built from the training captions and saved in the run
directory (``caption_tokenizer.json``). Model: :class:`rnnlab.models.captioner.Captioner`
(``model.variant`` = ``show_and_tell`` | ``show_attend_tell``, decoder ``model.cell``).
Loss: per-token cross-entropy with teacher forcing; for ``show_attend_tell`` plus
``model.attention_penalty`` x the doubly stochastic regulariser of each caption, divided by
the number of target tokens like the NLL (Xu et al.'s per-caption objective, per token). Eval: ``loss``, ``token_accuracy``
on each image's first caption. Final report: greedy and beam captions of the eval and test
splits, BLEU-1..4 against all references, attribute exact match (embedded set), and
``captions_<split>.tsv``.
"""
import functools
import json
import math
import os

from absl import logging
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab import cells, decoding
from rnnlab.data.captioning import batching, caption_sets, captions as captions_lib
from rnnlab.data.translation import tokenizers
from rnnlab.metrics import captioning as metrics_lib
from rnnlab.models import captioner
from rnnlab.models import cell_config
from rnnlab.models import losses
from rnnlab.tasks.registry import register_task
from rnnlab.tasks.task import IndexedBatchIterator, Task

TOKENIZER_FILE = batching.TOKENIZER_FILE


def default_config() -> ml_collections.ConfigDict:
  model = cell_config.default_model_config()
  for key in ("num_layers", "unroll", "remat", "impl", "block"):
    del model[key]
  model.update(dict(variant="show_attend_tell", hidden_size=256, embed_size=64,
                    attention_size=128, attention_penalty=1.0, channels=32, num_stages=3,
                    blocks_per_stage=1, decoding=dict(beam_size=3, length_penalty=0.6)))
  data = dict(dataset=caption_sets.DATASETS[0], data_dir="", path="", image_size=64,
              max_length=20, max_train_examples=0, max_eval_examples=0, max_test_examples=0,
              eval_split="validation", test_split="test")
  return ml_collections.ConfigDict(dict(data=data, model=model))


class _Data:
  """The splits and the tokenizer of one data config (cached)."""

  def __init__(self, d: ml_collections.ConfigDict):
    self.config, self._sets = d, {}
    self.tokenizer = tokenizers.build_tokenizer(
        "word", [c for caps in self.split("train").captions for c in caps], None)

  def split(self, split: str) -> caption_sets.CaptionSet:
    if split not in self._sets:
      d = self.config
      limit = {"train": d.max_train_examples, d.eval_split: d.max_eval_examples,
               d.test_split: d.max_test_examples}.get(split, 0)
      self._sets[split] = caption_sets.load_caption_set(
          d.dataset, split, image_size=d.image_size, data_dir=d.data_dir or None, path=d.path,
          max_examples=limit)
    return self._sets[split]

  def encoded(self, split: str):
    return batching.encode_captions(self.split(split), self.tokenizer)


@functools.lru_cache(maxsize=2)
def _load(key: str) -> _Data:
  return _Data(ml_collections.ConfigDict(json.loads(key)))


def load_data(config) -> _Data:
  return _load(json.dumps(config.data.to_dict(), sort_keys=True))


def caption_images(model, params, images, *, method: str, beam_size: int, length_penalty: float,
                   max_length: int):
  """Token ids ``[B, L]`` and attention weights ``[B, L, R]`` of the best caption per image."""
  encode_fn, step_fn = captioner.decoder_functions(model)
  static, carry = encode_fn(params, jnp.asarray(images))
  ids = dict(bos_id=tokenizers.BOS_ID, eos_id=tokenizers.EOS_ID, max_length=max_length)
  if method == "greedy":
    out = decoding.greedy_search(step_fn, params, static, carry, **ids)
    return out.tokens, out.aux
  out = decoding.beam_search(step_fn, params, static, carry, beam_size=beam_size,
                             alpha=length_penalty, **ids)
  return out.tokens[:, 0], out.aux[:, 0]


def _token_terms(model, params, batch, *, key=None, train=False):
  logits, weights = model.apply({"params": params}, batch["image"], batch["target_input"],
                                deterministic=not train,
                                rngs={"dropout": key} if train else {})
  target, mask = jnp.asarray(batch["target_output"]), jnp.asarray(batch["target_mask"])
  nll = losses.token_nll(logits, target, mask)  # padding selected away (NaN-safe)
  correct = (jnp.argmax(logits, -1) == target).astype(jnp.float32)
  return nll, correct, mask, weights


@register_task
class CaptioningTask(Task):
  """See the module docstring."""
  name = "captioning"

  def default_config(self):
    return default_config()

  def config_choices(self):
    return {"data.dataset": caption_sets.DATASETS, "data.eval_split": caption_sets.SPLITS,
            "data.test_split": caption_sets.SPLITS, "model.cell": tuple(cells.CELLS),
            "model.dtype": cell_config.DTYPES, "model.variant": captioner.VARIANTS}

  def validate_config(self, config):
    d, m = config.data, config.model
    for key in ("image_size", "max_length"):
      if d[key] < 2:
        raise ValueError(f"config.data.{key} must be >= 2, got {d[key]!r}")
    if d.image_size % 2 ** (m.num_stages + 1):
      raise ValueError(f"config.data.image_size={d.image_size} must be divisible by "
                       f"2**(model.num_stages + 1) = {2 ** (m.num_stages + 1)}")
    if m.attention_penalty < 0 or m.decoding.beam_size < 1:
      raise ValueError("config.model.attention_penalty must be >= 0 and "
                       "model.decoding.beam_size >= 1")
    cell_config.validate_model_config(ml_collections.ConfigDict(dict(
        m.to_dict(), num_layers=1, unroll=1)))

  def prepare_workdir(self, config, workdir):
    path, tok = os.path.join(workdir, TOKENIZER_FILE), load_data(config).tokenizer
    if os.path.exists(path):
      if tokenizers.load_tokenizer(path).vocab_size != tok.vocab_size:
        raise ValueError(f"{path} holds a different tokenizer than this config builds; use a "
                         "new workdir")
    else:
      tok.save(path)

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    data = load_data(config)
    images, encoded = data.split("train").images, data.encoded("train")
    keep = np.arange(len(encoded))[shard_index::shard_count]
    return IndexedBatchIterator(batching.TrainingBatches(
        images[keep], [encoded[i] for i in keep], batch_size, config.data.max_length,
        seed=config.train.seed))

  def eval_batches(self, config, *, batch_size):
    data, split = load_data(config), config.data.eval_split
    return batching.evaluation_batches(data.split(split).images, data.encoded(split),
                                       batch_size, config.data.max_length)

  def build_model(self, config):
    return captioner.from_config(config.model, load_data(config).tokenizer.vocab_size)

  def init_params(self, model, config, batch, *, key):
    return model.init({"params": key}, batch["image"], batch["target_input"])["params"]

  def loss(self, model, params, batch, carry, *, key, train):
    nll, correct, mask, weights = _token_terms(model, params, batch, key=key, train=train)
    tokens = jnp.maximum(mask.sum(), 1.0)
    loss = jnp.sum(nll * mask) / tokens
    metrics = {"token_accuracy": jnp.sum(correct * mask) / tokens}
    if model.variant == "show_attend_tell":
      # Xu et al.'s objective (summed NLL per caption + lambda * penalty per caption), divided
      # like the NLL by the number of target tokens so that the loss stays per token.
      penalty = captioner.doubly_stochastic_penalty(weights, mask)
      loss = loss + model.attention_penalty * jnp.sum(penalty) / tokens
      metrics["attention_penalty"] = jnp.mean(penalty)
    return loss, (metrics, carry)

  def eval_step(self, model, params, batch, carry):
    nll, correct, mask, _ = _token_terms(model, params, batch)
    return {"loss": (jnp.sum(nll * mask), mask.sum()),
            "token_accuracy": (jnp.sum(correct * mask), mask.sum())}, carry

  def eval_metric_names(self, config):
    return ("loss", "token_accuracy", "perplexity")

  def finalize_eval_metrics(self, metrics):
    return dict(metrics, perplexity=math.exp(min(metrics["loss"], 50.0)))

  def final_report(self, config, model, params, workdir):
    data, dec = load_data(config), config.model.decoding
    batch_size = config.train.eval_batch_size or config.train.batch_size
    report = {}
    for split in dict.fromkeys((config.data.eval_split, config.data.test_split)):
      caption_set = data.split(split)
      outputs = {}
      for method in ("greedy", "beam"):
        texts = []
        for start in range(0, len(caption_set), batch_size):
          tokens, _ = caption_images(model, params, caption_set.images[start:start + batch_size],
                                     method=method, beam_size=dec.beam_size,
                                     length_penalty=dec.length_penalty,
                                     max_length=config.data.max_length)
          texts += [data.tokenizer.decode(row) for row in np.asarray(tokens)]
        outputs[method] = texts
        for name, value in metrics_lib.bleu_1_to_4(caption_set.captions, texts).items():
          report[f"{split}_{method}_{name}"] = value
        if caption_set.scenes is not None:
          report[f"{split}_{method}_attribute_exact_match"] = (
              captions_lib.attribute_exact_match(texts, caption_set.scenes))
      with open(os.path.join(workdir, f"captions_{split}.tsv"), "w", encoding="utf-8") as f:
        f.write("index\tgreedy\tbeam\treferences\n")
        for i, (g, b) in enumerate(zip(outputs["greedy"], outputs["beam"])):
          f.write(f"{i}\t{g}\t{b}\t{' | '.join(caption_set.captions[i])}\n")
      logging.info("%s: BLEU-4 greedy %.2f beam %.2f", split, report[f"{split}_greedy_bleu_4"],
                   report[f"{split}_beam_bleu_4"])
    return report
