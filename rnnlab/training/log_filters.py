"""Keeps logs readable: hides the INFO/DEBUG chatter of libraries (orbax writes one line per
file, JAX reports the accelerators it did not find) and two harmless orbax warnings.

rnnlab's own INFO lines (progress, eval) and every library's warnings and errors still show.
``--verbosity=1`` (absl's flag; DEBUG) shows everything again.
"""
import logging as std_logging
import os

from absl import logging

_RNNLAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# Warnings orbax emits for what rnnlab does on purpose: reading a checkpoint item's metadata
# directly, and saving periodic checkpoints without eval metrics beside the best one.
_HARMLESS_WARNINGS = ("Metadata file does not exist", "did not provide metrics")


class _LibraryInfoFilter(std_logging.Filter):

  def filter(self, record: std_logging.LogRecord) -> bool:
    if logging.get_verbosity() >= logging.DEBUG:
      return True
    if record.levelno >= std_logging.WARNING:
      return not (record.levelno == std_logging.WARNING and any(
          text in str(record.msg) for text in _HARMLESS_WARNINGS))
    return os.path.abspath(record.pathname).startswith(_RNNLAB_DIR)


_FILTER = _LibraryInfoFilter()


def quiet_library_info_logs() -> None:
  """Installs the filter on the absl logger and handler (idempotent)."""
  for target in (logging.get_absl_logger(), logging.get_absl_handler()):
    if _FILTER not in target.filters:
      target.addFilter(_FILTER)
