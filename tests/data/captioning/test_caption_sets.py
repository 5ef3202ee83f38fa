"""Caption sets: embedded (with truth), files, and the public set failing fast when unprepared."""
import numpy as np
import pytest
from PIL import Image

from rnnlab.data.captioning import caption_sets


def test_embedded_tiny_split_with_truth_and_limit(tmp_path):
  data = caption_sets.load_caption_set("rnnlab_shapes_captions/tiny", "validation",
                                       image_size=32, data_dir=str(tmp_path), max_examples=5)
  assert len(data) == 5 and data.images.shape == (5, 32, 32, 3)
  assert len(data.scenes) == 5 and all(len(c) == 5 for c in data.captions)


def test_files_layout(tmp_path):
  (tmp_path / "images").mkdir()
  for name in ("a.png", "b.png"):
    Image.new("RGB", (20, 10), (200, 10, 10)).save(tmp_path / "images" / name)
  (tmp_path / "captions.txt").write_text("image,caption\na.png,a red thing\nb.png,red\n")
  (tmp_path / "splits").mkdir()
  for split in caption_sets.SPLITS:
    (tmp_path / "splits" / f"{split}.txt").write_text("a.png\nb.png\n")
  data = caption_sets.load_caption_set("files", "test", image_size=8, path=str(tmp_path))
  assert data.images.shape == (2, 8, 8, 3) and data.scenes is None
  assert data.captions == [["a red thing"], ["red"]]
  with pytest.raises(ValueError, match="needs data.path"):
    caption_sets.load_caption_set("files", "test", image_size=8)


def test_public_set_fails_at_once_with_the_command(tmp_path):
  # Without TensorFlow (the core install) the message names the extra; with it, an
  # unprepared set names the `tfds build` command. Either way nothing is downloaded.
  with pytest.raises(ValueError, match="tfds build coco_captions"):
    caption_sets.load_caption_set("coco_captions", "train", image_size=32,
                                  data_dir=str(tmp_path))


def test_unknown_dataset_and_split(tmp_path):
  with pytest.raises(ValueError, match="unknown captioning dataset 'flickr'"):
    caption_sets.load_caption_set("flickr", "train", image_size=8)
  with pytest.raises(ValueError, match="unknown split 'dev'"):
    caption_sets.load_caption_set("files", "dev", image_size=8)
