"""``rnnlab_shapes_captions``: rnnlab's embedded captioning set, generated on the machine.

A TFDS builder (``array_record``, read with ``tfds.data_source``, no TensorFlow, nothing
downloaded) of rendered scenes (``scenes.py``: 1-3 coloured shapes with sizes, positions,
spatial relations and counts) with ``num_captions`` human-style captions each
(``captions.py``: synonyms, word-order variation).

Splits:

* ``train`` and ``validation``: scenes without any held-out colour-shape pair
  (``scenes.HELD_OUT``, e.g. red triangle, green circle).
* ``test``: every scene holds at least one held-out pair: combinations of words the
  model saw separately but never together (compositional generalisation).

Features: ``image`` uint8 ``[S, S, 3]``, ``captions`` (the captions joined by newlines),
``scene`` (the objects as JSON: the truth that ``captions.attribute_exact_match`` scores).
Images, scenes and captions are a pure function of the config's seed.
"""
import dataclasses
import json

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data.captioning import captions as captions_lib
from rnnlab.data.captioning import scenes

NAME = "rnnlab_shapes_captions"
SPLITS = ("train", "validation", "test")


@dataclasses.dataclass
class ShapesCaptionsConfig(tfds.core.BuilderConfig):
  """Split sizes, image size, captions per image and the generation seed."""

  num_train: int = 10000
  num_validation: int = 500
  num_test: int = 500
  image_size: int = 64
  num_captions: int = 5
  seed: int = 0


class RnnlabShapesCaptions(offline_build.EmbeddedBuilder):
  """Rendered shape scenes with several captions each; a test split of unseen combinations."""

  BUILDER_CONFIGS = [
      ShapesCaptionsConfig(name="default", description="10000/500/500 scenes, 64x64, 5 captions."),
      ShapesCaptionsConfig(name="tiny", description="For tests: 24/8/8 scenes, 32x32.",
                           num_train=24, num_validation=8, num_test=8, image_size=32),
  ]

  def _info(self) -> tfds.core.DatasetInfo:
    size = self.builder_config.image_size
    return self._dataset_info({
        "image": tfds.features.Tensor(shape=(size, size, 3), dtype=np.uint8),
        "captions": tfds.features.Text(),
        "scene": tfds.features.Text(),
    })

  def _split_generators(self, dl_manager):
    del dl_manager  # Nothing is downloaded.
    c = self.builder_config
    return {"train": self._generate_examples(c.num_train, 0, unseen=False),
            "validation": self._generate_examples(c.num_validation, 1, unseen=False),
            "test": self._generate_examples(c.num_test, 2, unseen=True)}

  def _generate_examples(self, num: int, split_index: int, unseen: bool):
    c = self.builder_config
    for i in range(num):
      rng = np.random.default_rng([c.seed, split_index, i])
      scene = scenes.sample_scene(rng, unseen=unseen)
      yield i, {"image": scenes.render(scene, rng, c.image_size),
                "captions": "\n".join(captions_lib.describe_many(scene, rng, c.num_captions)),
                "scene": json.dumps(scene.to_json())}


def prepare(data_dir: str | None = None, config: str = "default") -> tfds.core.DatasetBuilder:
  """Generates ``rnnlab_shapes_captions/<config>`` in ``data_dir`` unless it is there."""
  return offline_build.prepare_config(RnnlabShapesCaptions, config, data_dir)


def load(split: str, config: str = "default", data_dir: str | None = None):
  """The ``tfds.data_source`` of one split (generated first if needed).

  Each example: ``{"image": uint8 [S, S, 3], "captions": bytes, "scene": bytes}``.
  """
  if split not in SPLITS:
    raise ValueError(f"unknown split {split!r}; allowed: {SPLITS}")
  return prepare(data_dir, config).as_data_source(split=split)
