"""Shape scenes: held-out combinations, layouts and rendering."""
import numpy as np
import pytest

from rnnlab.data.captioning import scenes


def _pairs(scene):
  return {(o.colour, o.shape) for o in scene.objects}


def test_seen_scenes_never_hold_a_held_out_pair_and_unseen_always_do():
  rng = np.random.default_rng(0)
  for _ in range(400):
    assert not _pairs(scenes.sample_scene(rng, unseen=False)) & scenes.HELD_OUT
    assert _pairs(scenes.sample_scene(rng, unseen=True)) & scenes.HELD_OUT


def test_objects_occupy_distinct_cells_and_groups_are_identical():
  rng = np.random.default_rng(1)
  layouts = set()
  for _ in range(300):
    scene = scenes.sample_scene(rng, unseen=False)
    cells = [(o.row, o.column) for o in scene.objects]
    assert len(set(cells)) == len(cells)
    kinds = {o.kind for o in scene.objects}
    assert 1 <= len(scene.objects) <= 3 and (len(kinds) == 1 or len(scene.objects) == 2)
    layouts.add((len(scene.objects), len(kinds)))
  assert layouts == {(1, 1), (2, 1), (3, 1), (2, 2)}


def test_render_draws_each_object_in_its_colour_at_its_cell():
  obj = scenes.SceneObject(shape="square", colour="red", size="big", row=0, column=2)
  image = scenes.render(scenes.Scene((obj,)), np.random.default_rng(0), image_size=60)
  assert image.shape == (60, 60, 3) and image.dtype == np.uint8
  r, g, b = image[10, 50].astype(int)  # centre of the top-right cell
  assert r > 150 and g < 100 and b < 100
  r, g, b = image[50, 10].astype(int)  # bottom-left cell: background
  assert max(r, g, b) < 110


def test_render_is_a_pure_function_of_the_generator_and_checks_size():
  scene = scenes.sample_scene(np.random.default_rng(3), unseen=False)
  a = scenes.render(scene, np.random.default_rng(7))
  b = scenes.render(scene, np.random.default_rng(7))
  np.testing.assert_array_equal(a, b)
  with pytest.raises(ValueError, match="image_size=8"):
    scenes.render(scene, np.random.default_rng(7), image_size=8)


def test_scene_json_round_trip():
  scene = scenes.sample_scene(np.random.default_rng(4), unseen=True)
  assert scenes.Scene.from_json(scene.to_json()) == scene
