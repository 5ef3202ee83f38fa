"""Captions: every caption states exactly its scene's objects; the metric reads them back."""
import collections

import numpy as np
import pytest

from rnnlab.data.captioning import captions, scenes


def test_every_caption_mentions_exactly_the_scene_objects():
  rng = np.random.default_rng(0)
  for unseen in (False, True):
    for _ in range(300):
      scene = scenes.sample_scene(rng, unseen=unseen)
      truth = collections.Counter(o.kind for o in scene.objects)
      for caption in captions.describe_many(scene, rng, 5):
        assert captions.mentions(caption) == truth, (caption, scene)


def test_captions_vary_in_words_and_order():
  a = scenes.SceneObject("circle", "red", "small", 0, 0)
  b = scenes.SceneObject("square", "blue", "big", 0, 2)
  scene = scenes.Scene((a, b))
  texts = set(captions.describe_many(scene, np.random.default_rng(0), 40))
  assert len(texts) >= 10
  assert any(t.startswith("a small red") or t.startswith("a tiny red") or
             t.startswith("a little red") for t in texts)
  assert any("blue" in t.split("red")[0] for t in texts)  # blue object named first
  assert any("to the left of a" in t for t in texts) and any("to the right of" in t for t in texts)


def test_relation_matches_positions():
  a = scenes.SceneObject("circle", "red", "small", 2, 1)
  b = scenes.SceneObject("cross", "green", "big", 0, 1)
  for caption in captions.describe_many(scenes.Scene((a, b)), np.random.default_rng(2), 30):
    if "red" in caption and ("above" in caption or "below" in caption):
      first = "red" if caption.index("red") < caption.index("green") else "green"
      assert ("below" in caption) == (first == "red"), caption


def test_attribute_exact_match_scores_counts_sizes_colours_and_shapes():
  scene = scenes.Scene((scenes.SceneObject("cross", "white", "big", 0, 0),) * 1)
  group = scenes.Scene(tuple(scenes.SceneObject("circle", "red", "small", 0, c)
                             for c in range(3)))
  preds = ["a large white cross at the top left", "two small red discs"]
  assert captions.attribute_exact_match(preds, [scene, group]) == 0.5
  assert captions.attribute_exact_match(["there are three tiny red circles"], [group]) == 1.0
  assert captions.attribute_exact_match(["a big white box"], [scene]) == 0.0


def test_attribute_exact_match_refuses_a_bare_string_and_mismatched_lengths():
  scene = scenes.sample_scene(np.random.default_rng(0), unseen=False)
  with pytest.raises(ValueError, match="not a single str"):
    captions.attribute_exact_match("a red circle", [scene])
  with pytest.raises(ValueError, match="2 captions for 1 scenes"):
    captions.attribute_exact_match(["a", "b"], [scene])
