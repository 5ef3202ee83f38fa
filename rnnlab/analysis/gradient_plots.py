"""Matplotlib helpers for gradient-flow figures (PNG files for READMEs and notebooks).

Every function takes plain arrays (NumPy or JAX), draws on a given ``ax`` or a new figure,
and returns the ``Figure``; :func:`save_png` writes it. The Agg backend is used when no
backend was chosen, so the helpers run headless.
"""
import os
from typing import Mapping, Sequence

import matplotlib

if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
  matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

X_AXES = ("distance", "t")


def _curve(values) -> np.ndarray:
  arr = np.asarray(values, np.float64)
  if arr.ndim == 2:  # [B, T] -> batch mean
    arr = arr.mean(axis=0)
  if arr.ndim != 1:
    raise ValueError(f"expected a curve [T] or per-example curves [B, T]; got shape {arr.shape}")
  return arr


def _new_axes(ax):
  if ax is None:
    fig, ax = plt.subplots(figsize=(5.5, 3.6), dpi=100)
    return fig, ax
  return ax.figure, ax


def plot_gradient_norms_vs_time(norms_by_name: Mapping[str, Sequence[float]], *, ax=None,
                                x_axis: str = "distance", title: str | None = None):
  """``||dL_T/ds_t||`` against time on a log scale, one line per cell.

  Args:
    norms_by_name: label -> ``[T]`` norms (or ``[B, T]``, averaged over the batch), as from
      :func:`rnnlab.analysis.gradients.hidden_gradient_norms`. Zeros (underflow) are not drawn.
    x_axis: ``"distance"`` (``T - 1 - t``, steps between the state and the loss: an
      exponential decay is a straight line going down to the right) or ``"t"``.
  """
  if x_axis not in X_AXES:
    raise ValueError(f"x_axis={x_axis!r}; allowed: {X_AXES}")
  fig, ax = _new_axes(ax)
  for name, values in norms_by_name.items():
    curve = _curve(values)
    steps = np.arange(curve.shape[0])
    x = steps[::-1] if x_axis == "distance" else steps
    # Norms that underflowed to 0 (float32) are left out: the line stops there.
    ax.semilogy(x, np.where(curve > 0, curve, np.nan), label=name)
  ax.set_xlabel("T - 1 - t (steps back from the loss)" if x_axis == "distance" else "t")
  ax.set_ylabel(r"$\|\partial L_T / \partial s_t\|_2$")
  ax.grid(True, which="major", alpha=0.3)
  ax.legend(fontsize="small")
  if title:
    ax.set_title(title)
  fig.tight_layout()
  return fig


def plot_jacobian_norms(norms_by_name: Mapping[str, Sequence[float]], *, ax=None,
                        title: str | None = None):
  """Spectral norm ``||ds_t/ds_{t-1}||_2`` along a trajectory, one line per cell.

  A dashed line at 1 separates contracting (vanishing) from expanding (exploding) steps.
  """
  fig, ax = _new_axes(ax)
  for name, values in norms_by_name.items():
    ax.plot(_curve(values), label=name)
  ax.axhline(1.0, color="black", linestyle="--", linewidth=0.8)
  ax.set_xlabel("t")
  ax.set_ylabel(r"$\|\partial s_t / \partial s_{t-1}\|_2$")
  ax.grid(True, alpha=0.3)
  ax.legend(fontsize="small")
  if title:
    ax.set_title(title)
  fig.tight_layout()
  return fig


def plot_metric_vs(frame, *, x: str, y: str, group: str, ax=None, log_y: bool = False,
                   title: str | None = None, baseline: float | None = None):
  """One line per value of column ``group``: ``y`` against ``x`` (means over repeats).

  Args:
    frame: a pandas DataFrame (e.g. from ``rnnlab.analysis.results.load``).
    x, y, group: column names.
    baseline: draws a dashed horizontal reference line (e.g. the adding problem's 0.167).
  """
  for column in (x, y, group):
    if column not in frame.columns:
      raise ValueError(f"column {column!r} not in the frame; columns: {sorted(frame.columns)}")
  fig, ax = _new_axes(ax)
  means = frame.groupby([group, x])[y].mean().reset_index()
  for name, rows in means.groupby(group):
    rows = rows.sort_values(x)
    ax.plot(rows[x], rows[y], marker="o", label=str(name))
  if baseline is not None:
    ax.axhline(baseline, color="black", linestyle="--", linewidth=0.8, label="baseline")
  if log_y:
    ax.set_yscale("log")
  ax.set_xlabel(x)
  ax.set_ylabel(y)
  ax.grid(True, alpha=0.3)
  ax.legend(fontsize="small")
  if title:
    ax.set_title(title)
  fig.tight_layout()
  return fig


def save_png(fig, path: str, *, dpi: int = 90) -> str:
  """Writes ``fig`` to ``path`` (a ``.png``), creating folders; closes the figure."""
  if not str(path).endswith(".png"):
    raise ValueError(f"path={path!r}; allowed: a file name ending in .png")
  folder = os.path.dirname(path)
  if folder:
    os.makedirs(folder, exist_ok=True)
  fig.savefig(path, dpi=dpi, format="png")
  plt.close(fig)
  return path
