"""Reading images from files for captioning (Pillow): checks, RGB conversion, resizing.

Accepted: any format Pillow reads, in modes RGB, RGBA (alpha dropped), L (grey, copied to
the three channels) and P (palette, converted to RGB). Refused with a ValueError naming
the file: a missing file, a directory, a file that is not an image, an image of zero
size, and modes with another channel layout (LA, CMYK, 16-bit or float single channel).
"""
import os

import numpy as np
from PIL import Image, UnidentifiedImageError

ACCEPTED_MODES = ("RGB", "RGBA", "L", "P")


def read_image(path: str, image_size: int) -> np.ndarray:
  """The image at ``path`` as uint8 ``[image_size, image_size, 3]``.

  The shorter side is resized to ``image_size`` (bicubic) and the centre is cropped.

  Raises:
    ValueError: naming ``path`` (see the module docstring).
  """
  if image_size < 1:
    raise ValueError(f"image_size={image_size}; allowed: an int >= 1")
  if os.path.isdir(path):
    raise ValueError(f"image {path!r} is a directory, not an image file")
  if not os.path.isfile(path):
    raise ValueError(f"image {path!r} does not exist")
  try:
    with Image.open(path) as image:
      image.load()
      mode, (width, height) = image.mode, image.size
      if width == 0 or height == 0:
        raise ValueError(f"image {path!r} has zero size ({width}x{height})")
      if mode not in ACCEPTED_MODES:
        raise ValueError(f"image {path!r} has mode {mode!r} ({len(image.getbands())} channels "
                         f"{image.getbands()}); allowed: {ACCEPTED_MODES} (RGB, RGB + alpha, "
                         "grey, palette)")
      rgb = image.convert("RGB")
  except (UnidentifiedImageError, OSError, SyntaxError) as error:
    raise ValueError(f"image {path!r} cannot be read as an image ({type(error).__name__}: "
                     f"{error})") from None
  scale = image_size / min(width, height)
  resized = rgb.resize((max(image_size, round(width * scale)), max(image_size, round(height * scale))),
                       Image.Resampling.BICUBIC)
  left = (resized.width - image_size) // 2
  top = (resized.height - image_size) // 2
  return np.asarray(resized.crop((left, top, left + image_size, top + image_size)), np.uint8)
