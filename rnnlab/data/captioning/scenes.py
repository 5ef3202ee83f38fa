"""Scenes of coloured shapes: what the embedded captioning set draws and describes.

A scene holds 1-3 objects, each a (shape, colour, size) placed in a cell of a 3 x 3 grid
(with jitter). ``sample_scene`` draws one from a seeded generator, refusing or requiring
held-out colour-shape combinations so that the test split holds combinations never seen
in training (compositional generalisation, as ShapeWorld / CLEVR-CoGenT do).
``render`` draws it as an RGB image with numpy: shapes by exact masks, colour jitter and
background noise so that no two images of one description are equal.
"""
import dataclasses
import itertools

import numpy as np

SHAPES = ("circle", "square", "triangle", "cross")
COLOURS = ("red", "green", "blue", "yellow", "purple", "white")
SIZES = ("small", "big")
_RGB = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (50, 80, 230),
        "yellow": (235, 215, 40), "purple": (150, 60, 190), "white": (240, 240, 240)}
# Colour-shape pairs that never occur in train or validation (test holds at least one).
HELD_OUT = frozenset({("red", "triangle"), ("green", "circle"), ("blue", "cross"),
                      ("yellow", "square"), ("purple", "circle"), ("white", "triangle")})
GRID = 3  # positions are cells of a GRID x GRID grid: (row, column)


@dataclasses.dataclass(frozen=True)
class SceneObject:
  shape: str
  colour: str
  size: str
  row: int  # 0 = top
  column: int  # 0 = left

  @property
  def kind(self) -> tuple[str, str, str]:
    """``(size, colour, shape)``: what a caption says of the object."""
    return (self.size, self.colour, self.shape)


@dataclasses.dataclass(frozen=True)
class Scene:
  objects: tuple[SceneObject, ...]

  def to_json(self) -> list[dict]:
    return [dataclasses.asdict(o) for o in self.objects]

  @classmethod
  def from_json(cls, objects: list[dict]) -> "Scene":
    return cls(tuple(SceneObject(**o) for o in objects))


def _kinds(held_out: bool) -> list[tuple[str, str, str]]:
  return [(size, colour, shape) for size, colour, shape in
          itertools.product(SIZES, COLOURS, SHAPES)
          if ((colour, shape) in HELD_OUT) == held_out]


def sample_scene(rng: np.random.Generator, *, unseen: bool) -> Scene:
  """One scene. ``unseen=False``: no held-out pair; ``True``: at least one held-out pair.

  Layouts: one object; two objects in different cells (a spatial relation); or a group of
  2-3 identical objects (a count).
  """
  seen_kinds, unseen_kinds = _kinds(False), _kinds(True)
  layout = rng.choice(["one", "two", "group"], p=[0.3, 0.45, 0.25])
  cells = [(r, c) for r in range(GRID) for c in range(GRID)]
  order = rng.permutation(len(cells))
  if layout == "one" or layout == "group":
    pool = unseen_kinds if unseen else seen_kinds
    kind = pool[int(rng.integers(len(pool)))]
    count = 1 if layout == "one" else int(rng.integers(2, 4))
    kinds = [kind] * count
  else:
    first_pool = unseen_kinds if unseen else seen_kinds
    first = first_pool[int(rng.integers(len(first_pool)))]
    while True:
      second = seen_kinds[int(rng.integers(len(seen_kinds)))]
      if second != first:
        break
    kinds = [first, second]
    if rng.random() < 0.5:
      kinds.reverse()
  if layout == "two":  # the relation must be unambiguous: different rows or columns
    (r0, c0) = cells[order[0]]
    others = [cells[i] for i in order[1:] if cells[i][0] != r0 or cells[i][1] != c0]
    positions = [(r0, c0), others[0]]
  else:
    positions = [cells[i] for i in order[:len(kinds)]]
  return Scene(tuple(SceneObject(shape=k[2], colour=k[1], size=k[0], row=p[0], column=p[1])
                     for k, p in zip(kinds, positions)))


def _mask(shape: str, yy: np.ndarray, xx: np.ndarray, cy: float, cx: float, r: float
          ) -> np.ndarray:
  dy, dx = yy - cy, xx - cx
  if shape == "circle":
    return dy**2 + dx**2 <= r**2
  if shape == "square":
    return (np.abs(dy) <= 0.85 * r) & (np.abs(dx) <= 0.85 * r)
  if shape == "triangle":  # apex up
    inside_height = (dy >= -r) & (dy <= 0.8 * r)
    half_width = (dy + r) / 1.8 * 1.05
    return inside_height & (np.abs(dx) <= half_width)
  if shape == "cross":
    arm = 0.33 * r
    return (((np.abs(dx) <= arm) & (np.abs(dy) <= r)) | ((np.abs(dy) <= arm) & (np.abs(dx) <= r)))
  raise ValueError(f"unknown shape {shape!r}; allowed: {SHAPES}")


def render(scene: Scene, rng: np.random.Generator, image_size: int = 64) -> np.ndarray:
  """The scene as uint8 RGB ``[image_size, image_size, 3]`` (dark noisy background)."""
  if image_size < 24:
    raise ValueError(f"image_size={image_size}; allowed: >= 24 pixels")
  background = rng.uniform(20, 70, size=3)
  image = background + rng.normal(0.0, 6.0, size=(image_size, image_size, 3))
  yy, xx = np.mgrid[0:image_size, 0:image_size].astype(np.float32)
  cell = image_size / GRID
  for obj in scene.objects:
    r = cell * (0.22 if obj.size == "small" else 0.40) * rng.uniform(0.9, 1.1)
    cy = (obj.row + 0.5) * cell + rng.uniform(-0.08, 0.08) * cell
    cx = (obj.column + 0.5) * cell + rng.uniform(-0.08, 0.08) * cell
    colour = np.clip(np.asarray(_RGB[obj.colour], np.float64) + rng.normal(0, 12, 3), 0, 255)
    image[_mask(obj.shape, yy, xx, cy, cx, r)] = colour
  return np.clip(np.round(image), 0, 255).astype(np.uint8)
