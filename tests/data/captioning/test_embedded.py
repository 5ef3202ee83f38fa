"""The embedded captioning set generates offline and reads through tfds.data_source."""
import json

import numpy as np
import pytest

from rnnlab.data.captioning import captions, embedded, scenes


def test_tiny_config_generates_three_splits_with_truth(tmp_path):
  sizes = {}
  for split in embedded.SPLITS:
    source = embedded.load(split, config="tiny", data_dir=str(tmp_path))
    sizes[split] = len(source)
    for i in range(len(source)):
      example = source[i]
      assert example["image"].shape == (32, 32, 3) and example["image"].dtype == np.uint8
      scene = scenes.Scene.from_json(json.loads(example["scene"]))
      lines = example["captions"].decode().split("\n")
      assert len(lines) == 5
      assert captions.attribute_exact_match(lines, [scene] * 5) == 1.0
      held_out = {(o.colour, o.shape) for o in scene.objects} & scenes.HELD_OUT
      assert bool(held_out) == (split == "test")
  assert sizes == {"train": 24, "validation": 8, "test": 8}


def test_unknown_split_and_config_are_named(tmp_path):
  with pytest.raises(ValueError, match="unknown split 'valid'"):
    embedded.load("valid", config="tiny", data_dir=str(tmp_path))
  with pytest.raises(ValueError, match="Unknown rnnlab_shapes_captions config 'huge'"):
    embedded.prepare(str(tmp_path), config="huge")
