"""A captioning set from local files, in the layout Flickr8k ships.

``DIR/images/`` holds the images; ``DIR/captions.txt`` the captions, in either of
Flickr8k's two formats:

* CSV with the header ``image,caption`` (one caption per line, an image on several lines);
* ``Flickr8k.token.txt`` style: ``<image>#<k><TAB><caption>``.

Splits: if ``DIR/splits/{train,validation,test}.txt`` exist, each lists the image names of
its split (one per line, like Flickr8k's ``Flickr_8k.trainImages.txt``); otherwise each
image goes to a split by the MD5 of its name (buckets 0-89 train, 90-94 validation,
95-99 test). Every problem is a ValueError naming the file and, where there is one, the line.
"""
import csv
import dataclasses
import hashlib
import io
import os

from rnnlab.data import text_files

SPLITS = ("train", "validation", "test")
CAPTIONS_FILE = "captions.txt"
IMAGES_DIR = "images"
SPLITS_DIR = "splits"


@dataclasses.dataclass(frozen=True)
class CaptionedImage:
  path: str  # the image file
  captions: tuple[str, ...]


def _parse_captions(path: str) -> dict[str, list[str]]:
  with open(path, "rb") as f:
    text = text_files.decode_utf8(f.read(), path)
  lines = text.splitlines()
  if not any(line.strip() for line in lines):
    raise ValueError(f"captions file {path!r} is empty")
  by_image: dict[str, list[str]] = {}
  if lines[0].strip().lower().replace(" ", "") == "image,caption":
    for number, row in enumerate(csv.reader(io.StringIO("\n".join(lines[1:]))), start=2):
      if not row:
        continue
      if len(row) < 2 or not row[0].strip() or not ",".join(row[1:]).strip():
        raise ValueError(f"{path}:{number}: expected 'image,caption', got {row!r}")
      by_image.setdefault(row[0].strip(), []).append(",".join(row[1:]).strip())
  else:
    for number, line in enumerate(lines, start=1):
      if not line.strip():
        continue
      name, tab, caption = line.partition("\t")
      if not tab or "#" not in name or not caption.strip():
        raise ValueError(f"{path}:{number}: expected '<image>#<k><TAB><caption>' or a CSV "
                         f"with the header 'image,caption', got {line[:80]!r}")
      by_image.setdefault(name.rsplit("#", 1)[0].strip(), []).append(caption.strip())
  return by_image


def _hash_split(name: str) -> str:
  bucket = int(hashlib.md5(name.encode("utf-8")).hexdigest(), 16) % 100
  return "train" if bucket < 90 else ("validation" if bucket < 95 else "test")


def load_caption_files(path: str, split: str) -> list[CaptionedImage]:
  """The images of ``split`` with their captions, sorted by image name.

  Raises:
    ValueError: a missing folder, captions file or image, a malformed line (file:line), an
      empty split, an unknown split name.
  """
  if split not in SPLITS:
    raise ValueError(f"unknown split {split!r}; allowed: {SPLITS}")
  if not os.path.isdir(path):
    raise ValueError(f"captioning folder {path!r} does not exist; it must hold "
                     f"{IMAGES_DIR}/ and {CAPTIONS_FILE}")
  captions_path = os.path.join(path, CAPTIONS_FILE)
  if not os.path.isfile(captions_path):
    raise ValueError(f"captions file {captions_path!r} does not exist")
  by_image = _parse_captions(captions_path)
  list_path = os.path.join(path, SPLITS_DIR, f"{split}.txt")
  if os.path.isdir(os.path.join(path, SPLITS_DIR)):
    if not os.path.isfile(list_path):
      raise ValueError(f"split list {list_path!r} does not exist (the folder "
                       f"{SPLITS_DIR}/ must hold {[s + '.txt' for s in SPLITS]})")
    names = []
    for number, line in enumerate(text_files.read_text_file(list_path), start=1):
      name = line.strip()
      if not name:
        continue
      if name not in by_image:
        raise ValueError(f"{list_path}:{number}: image {name!r} has no caption in "
                         f"{captions_path}")
      names.append(name)
  else:
    names = [name for name in by_image if _hash_split(name) == split]
  if not names:
    raise ValueError(f"split {split!r} of {path!r} has no images")
  examples = []
  for name in sorted(names):
    image_path = os.path.join(path, IMAGES_DIR, name)
    if not os.path.isfile(image_path):
      raise ValueError(f"image {image_path!r} (named in {captions_path}) does not exist")
    examples.append(CaptionedImage(image_path, tuple(by_image[name])))
  return examples
