"""Image files for captioning: conversion, resizing and errors naming the file."""
import numpy as np
import pytest
from PIL import Image

from rnnlab.data.captioning import image_files


def test_rgb_png_is_resized_and_centre_cropped(tmp_path):
  pixels = np.zeros((40, 80, 3), np.uint8)
  pixels[:, 20:60] = (255, 0, 0)  # a red centre band, blue margins
  pixels[:, :20] = pixels[:, 60:] = (0, 0, 255)
  Image.fromarray(pixels).save(tmp_path / "a.png")
  out = image_files.read_image(str(tmp_path / "a.png"), 20)
  assert out.shape == (20, 20, 3) and out.dtype == np.uint8
  assert out[10, 10, 0] > 200 and out[10, 10, 2] < 50  # the crop is the red centre


@pytest.mark.parametrize("mode", ["L", "RGBA", "P"])
def test_grey_alpha_and_palette_become_rgb(tmp_path, mode):
  Image.new(mode, (8, 8)).save(tmp_path / "x.png")
  assert image_files.read_image(str(tmp_path / "x.png"), 8).shape == (8, 8, 3)


def test_bad_files_are_named(tmp_path):
  with pytest.raises(ValueError, match="nope.png' does not exist"):
    image_files.read_image(str(tmp_path / "nope.png"), 8)
  with pytest.raises(ValueError, match="is a directory"):
    image_files.read_image(str(tmp_path), 8)
  (tmp_path / "text.png").write_text("not an image")
  with pytest.raises(ValueError, match="text.png' cannot be read as an image"):
    image_files.read_image(str(tmp_path / "text.png"), 8)
  Image.new("LA", (8, 8)).save(tmp_path / "la.png")
  with pytest.raises(ValueError, match=r"la.png' has mode 'LA' \(2 channels"):
    image_files.read_image(str(tmp_path / "la.png"), 8)
  Image.new("CMYK", (8, 8)).save(tmp_path / "c.jpg")
  with pytest.raises(ValueError, match=r"c.jpg' has mode 'CMYK' \(4 channels"):
    image_files.read_image(str(tmp_path / "c.jpg"), 8)
  truncated = tmp_path / "cut.png"
  Image.new("RGB", (64, 64), (10, 200, 30)).save(truncated)
  truncated.write_bytes(truncated.read_bytes()[:60])
  with pytest.raises(ValueError, match="cut.png' cannot be read as an image"):
    image_files.read_image(str(truncated), 8)


def test_content_not_extension_decides_and_a_1x1_image_is_upsampled(tmp_path):
  """A JPEG named .png is read as the JPEG it is; a 1x1 image is a valid (uniform) image."""
  Image.new("RGB", (16, 16), (250, 10, 10)).save(tmp_path / "photo.png", format="JPEG")
  out = image_files.read_image(str(tmp_path / "photo.png"), 8)
  assert out.shape == (8, 8, 3) and out[4, 4, 0] > 200 and out[4, 4, 1] < 60
  Image.new("RGB", (1, 1), (0, 0, 255)).save(tmp_path / "dot.png")
  np.testing.assert_array_equal(image_files.read_image(str(tmp_path / "dot.png"), 8),
                                np.broadcast_to(np.array([0, 0, 255], np.uint8), (8, 8, 3)))
