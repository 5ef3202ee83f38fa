"""One split of a captioning dataset in memory: images, reference captions, optional truth.

Datasets (``data.dataset``):

* ``"rnnlab_shapes_captions"`` (``"/tiny"`` for tests): the embedded set, generated on first
  use (``embedded.py``); carries each scene's truth for ``attribute_exact_match``.
* ``"files"``: the Flickr8k layout under ``data.path`` (``caption_files.py``).
* ``"coco_captions"``: the public TFDS set; its TFDS builder needs TensorFlow (the ``tf``
  extra) and it must already be prepared in ``data_dir`` (``array_record``): rnnlab never
  downloads, so an unprepared one (or a missing TensorFlow) fails at once with the command
  that fixes it.

Images are resized to ``image_size`` (files and COCO: shorter side + centre crop).
"""
import dataclasses
import importlib.util
import json

import numpy as np
import tensorflow_datasets as tfds

from rnnlab.data import tfds_text
from rnnlab.data.captioning import caption_files
from rnnlab.data.captioning import embedded
from rnnlab.data.captioning import image_files
from rnnlab.data.captioning import scenes as scenes_lib

DATASETS = (embedded.NAME, embedded.NAME + "/tiny", "files", "coco_captions")
SPLITS = ("train", "validation", "test")
_COCO_SPLITS = {"train": "train", "validation": "val", "test": "test"}


@dataclasses.dataclass
class CaptionSet:
  """``images`` uint8 ``[N, S, S, 3]``; ``captions[i]`` the references of image i;
  ``scenes[i]`` its truth (embedded set) or None."""

  images: np.ndarray
  captions: list[list[str]]
  scenes: list[scenes_lib.Scene] | None = None

  def __len__(self) -> int:
    return len(self.captions)


def _limit(n: int, max_examples: int) -> int:
  return n if max_examples <= 0 else min(n, max_examples)


def _resize(image: np.ndarray, image_size: int) -> np.ndarray:
  from PIL import Image  # pylint: disable=import-outside-toplevel
  if image.shape[:2] == (image_size, image_size):
    return image
  pil = Image.fromarray(image)
  scale = image_size / min(pil.width, pil.height)
  pil = pil.resize((max(image_size, round(pil.width * scale)),
                    max(image_size, round(pil.height * scale))), Image.Resampling.BICUBIC)
  left, top = (pil.width - image_size) // 2, (pil.height - image_size) // 2
  return np.asarray(pil.crop((left, top, left + image_size, top + image_size)), np.uint8)


def load_caption_set(dataset: str, split: str, *, image_size: int, data_dir: str | None = None,
                     path: str = "", max_examples: int = 0) -> CaptionSet:
  """One split of ``dataset`` (see the module docstring), at most ``max_examples`` images.

  Raises:
    ValueError: an unknown dataset or split, an unprepared public set (with the command
      that prepares it), a bad file (named), or an empty split.
  """
  if dataset not in DATASETS:
    raise ValueError(f"unknown captioning dataset {dataset!r}; allowed: {DATASETS}")
  if split not in SPLITS:
    raise ValueError(f"unknown split {split!r}; allowed: {SPLITS}")
  if dataset.startswith(embedded.NAME):
    config = dataset.split("/")[1] if "/" in dataset else "default"
    source = embedded.load(split, config=config, data_dir=data_dir)
    n = _limit(len(source), max_examples)
    records = [source[i] for i in range(n)]
    result = CaptionSet(
        images=np.stack([_resize(np.asarray(r["image"], np.uint8), image_size) for r in records]),
        captions=[r["captions"].decode("utf-8").split("\n") for r in records],
        scenes=[scenes_lib.Scene.from_json(json.loads(r["scene"])) for r in records])
  elif dataset == "files":
    if not path:
      raise ValueError("data.dataset='files' needs data.path (a folder with images/ and "
                       "captions.txt)")
    examples = caption_files.load_caption_files(path, split)
    examples = examples[:_limit(len(examples), max_examples)]
    result = CaptionSet(images=np.stack([image_files.read_image(e.path, image_size)
                                         for e in examples]),
                        captions=[list(e.captions) for e in examples])
  else:
    if importlib.util.find_spec("tensorflow") is None:
      raise ValueError("the TFDS builder of 'coco_captions' describes its features with "
                       "TensorFlow, which rnnlab's core install leaves out: pip install -e "
                       "'.[tf]' (and prepare it with `tfds build coco_captions "
                       "--file_format=array_record --data_dir=DIR`), or use data.dataset='files' "
                       "with COCO's images and captions in the Flickr8k layout")
    if not tfds_text._is_mocked():  # pylint: disable=protected-access
      tfds_text.check_prepared(tfds.builder(dataset, data_dir=data_dir))
    source = tfds.data_source(dataset, split=_COCO_SPLITS[split], data_dir=data_dir)
    n = _limit(len(source), max_examples)
    records = [source[i] for i in range(n)]
    result = CaptionSet(
        images=np.stack([_resize(np.asarray(r["image"], np.uint8)[..., :3], image_size)
                         for r in records]),
        captions=[[t.decode("utf-8") if isinstance(t, bytes) else str(t)
                   for t in np.atleast_1d(r["captions"]["text"])] for r in records])
  if len(result) == 0:
    raise ValueError(f"{dataset}/{split} has no images")
  return result
