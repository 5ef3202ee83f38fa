"""Human-style captions of a :class:`~rnnlab.data.captioning.scenes.Scene`, and their reading.

``describe`` writes a caption from a small grammar with synonyms ("small" / "little" /
"tiny", "square" / "box", ...), word-order variation ("a red circle to the left of a
blue box" / "a blue box to the right of a red circle"), optional positions ("in the top
left corner") and counts ("three small green crosses"). ``mentions`` reads back which
objects a caption states, as a multiset of ``(size, colour, shape)``, so a generated
caption can be scored against the scene's truth (``attribute_exact_match``).
"""
import collections
import re
from typing import Sequence

import numpy as np

from rnnlab.data.captioning import scenes

SIZE_WORDS = {"small": ("small", "little", "tiny"), "big": ("big", "large")}
SHAPE_WORDS = {"circle": ("circle", "disc"), "square": ("square", "box"),
               "triangle": ("triangle",), "cross": ("cross",)}
PLURALS = {"circle": "circles", "disc": "discs", "square": "squares", "box": "boxes",
           "triangle": "triangles", "cross": "crosses"}
COUNT_WORDS = {2: "two", 3: "three"}
_ROWS = ("top", "middle", "bottom")
_COLUMNS = ("left", "middle", "right")


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
  return options[int(rng.integers(len(options)))]


def _noun_phrase(obj: scenes.SceneObject, rng: np.random.Generator, count: int = 1) -> str:
  size = _pick(rng, SIZE_WORDS[obj.size])
  shape = _pick(rng, SHAPE_WORDS[obj.shape])
  if count > 1:
    return f"{COUNT_WORDS[count]} {size} {obj.colour} {PLURALS[shape]}"
  return f"a {size} {obj.colour} {shape}"


def _position(obj: scenes.SceneObject, rng: np.random.Generator) -> str:
  row, column = _ROWS[obj.row], _COLUMNS[obj.column]
  if row != "middle" and column != "middle":
    return _pick(rng, (f"in the {row} {column} corner", f"at the {row} {column}"))
  if row == "middle" and column == "middle":
    return _pick(rng, ("in the center", "in the middle"))
  if row == "middle":
    return _pick(rng, (f"on the {column}", f"on the {column} side"))
  return _pick(rng, (f"at the {row}", f"near the {row}"))


def _relation(a: scenes.SceneObject, b: scenes.SceneObject) -> str:
  """Where ``a`` is relative to ``b``."""
  if a.column != b.column:
    return "to the left of" if a.column < b.column else "to the right of"
  return "above" if a.row < b.row else "below"


def describe(scene: scenes.Scene, rng: np.random.Generator) -> str:
  """One caption of ``scene`` (lower case, no final period)."""
  objects = scene.objects
  if not objects:
    raise ValueError("a scene needs at least one object")
  kinds = {o.kind for o in objects}
  if len(objects) == 1:
    np_ = _noun_phrase(objects[0], rng)
    pos = _position(objects[0], rng)
    template = int(rng.integers(4))
    return (f"{np_} {pos}", f"there is {np_} {pos}", f"{pos} there is {np_}",
            f"{np_} on a dark background")[template]
  if len(kinds) == 1:  # a group of identical objects
    np_ = _noun_phrase(objects[0], rng, count=len(objects))
    template = int(rng.integers(3))
    return (np_, f"there are {np_}", f"{np_} on a dark background")[template]
  if len(objects) != 2:
    raise ValueError(f"scenes of {len(objects)} different objects are not described")
  a, b = objects if rng.random() < 0.5 else objects[::-1]
  np_a, np_b = _noun_phrase(a, rng), _noun_phrase(b, rng)
  template = int(rng.integers(4))
  return (f"{np_a} {_relation(a, b)} {np_b}", f"there is {np_a} {_relation(a, b)} {np_b}",
          f"{np_a} and {np_b}", f"{np_a} is {_relation(a, b)} {np_b}")[template]


def describe_many(scene: scenes.Scene, rng: np.random.Generator, num_captions: int
                  ) -> list[str]:
  """``num_captions`` captions, distinct where the grammar allows (up to 20 draws each)."""
  captions: list[str] = []
  for _ in range(num_captions):
    for _ in range(20):
      caption = describe(scene, rng)
      if caption not in captions:
        break
    captions.append(caption)
  return captions


_SIZE_OF = {w: size for size, words in SIZE_WORDS.items() for w in words}
_SHAPE_OF = {w: shape for shape, words in SHAPE_WORDS.items() for w in words}
_SHAPE_OF.update({PLURALS[w]: _SHAPE_OF[w] for w in PLURALS})
_COUNT_OF = {"a": 1, "an": 1, **{w: n for n, w in COUNT_WORDS.items()}}
_MENTION = re.compile(r"\b({counts}) ({sizes}) ({colours}) ({shapes})\b".format(
    counts="|".join(_COUNT_OF), sizes="|".join(_SIZE_OF), colours="|".join(scenes.COLOURS),
    shapes="|".join(sorted(_SHAPE_OF, key=len, reverse=True))))


def mentions(caption: str) -> collections.Counter:
  """The objects ``caption`` states: a Counter of ``(size, colour, shape)``."""
  if not isinstance(caption, str):
    raise ValueError(f"caption must be a str, got {type(caption).__name__}")
  found: collections.Counter = collections.Counter()
  for count, size, colour, shape in _MENTION.findall(caption.lower()):
    found[(_SIZE_OF[size], colour, _SHAPE_OF[shape])] += _COUNT_OF[count]
  return found


def attribute_exact_match(captions: Sequence[str], truths: Sequence[scenes.Scene]) -> float:
  """Fraction of captions stating exactly the scene's objects (sizes, colours, shapes, count).

  Raises:
    ValueError: a bare string instead of a list, or lengths that differ.
  """
  if isinstance(captions, str):
    raise ValueError("captions must be a list of strings, one per image, not a single str")
  if len(captions) != len(truths):
    raise ValueError(f"{len(captions)} captions for {len(truths)} scenes")
  if not captions:
    raise ValueError("attribute_exact_match of an empty list")
  hits = [mentions(c) == collections.Counter(o.kind for o in s.objects)
          for c, s in zip(captions, truths)]
  return float(np.mean(hits))
