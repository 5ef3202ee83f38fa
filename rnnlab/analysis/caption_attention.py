"""Each generated word's attention over the image regions, overlaid on the image (PNG).

Show, attend and tell (Xu et al. 2015, Fig. 2/3): the decoder's weights over the ``R``
regions of the CNN's ``sqrt(R) x sqrt(R)`` grid are upsampled to the image and drawn as a
translucent heat map, one panel per word.
"""
import math
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position
import numpy as np  # noqa: E402  pylint: disable=wrong-import-position


def attention_grid(weights: np.ndarray, image_size: int) -> np.ndarray:
  """``[R]`` region weights (row-major grid) -> ``[S, S]`` nearest-neighbour upsampled map."""
  side = int(round(math.sqrt(weights.shape[-1])))
  if side * side != weights.shape[-1]:
    raise ValueError(f"{weights.shape[-1]} regions do not form a square grid")
  grid = np.asarray(weights, np.float32).reshape(side, side)
  repeat = int(math.ceil(image_size / side))
  return np.kron(grid, np.ones((repeat, repeat), np.float32))[:image_size, :image_size]


def plot_caption_attention(image: np.ndarray, words: Sequence[str], weights: np.ndarray,
                           path: str, title: str = "") -> str:
  """Writes ``path``: the image, then one panel per word with its attention overlaid.

  Args:
    image: uint8 ``[S, S, 3]``.
    words: the generated words (EOS included if wanted), ``L`` of them.
    weights: ``[L, R]`` attention of each word over the regions.
  """
  if len(words) != len(weights):
    raise ValueError(f"{len(words)} words but {len(weights)} rows of attention weights")
  panels = len(words) + 1
  cols = min(panels, 6)
  rows = int(math.ceil(panels / cols))
  fig, axes = plt.subplots(rows, cols, figsize=(2.0 * cols, 2.2 * rows), squeeze=False)
  for ax in axes.ravel():
    ax.axis("off")
  axes[0, 0].imshow(image)
  axes[0, 0].set_title("image", fontsize=9)
  size = image.shape[0]
  for k, (word, w) in enumerate(zip(words, weights), start=1):
    ax = axes[k // cols, k % cols]
    ax.imshow(image)
    ax.imshow(attention_grid(w, size), cmap="magma", alpha=0.6, vmin=0.0,
              vmax=float(np.max(weights)) or 1.0)
    ax.set_title(word, fontsize=9)
  if title:
    fig.suptitle(title, fontsize=10)
  fig.tight_layout()
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return path
