"""Keeps the run log readable: drops INFO/DEBUG chatter of orbax (one line per file write).

Warnings and errors of every library still show; ``--verbosity=1`` is unaffected for
rnnlab's own lines.
"""
import logging as std_logging
import os

from absl import logging

_QUIET_PACKAGES = (os.sep + "orbax" + os.sep,)


class _LibraryInfoFilter(std_logging.Filter):

  def filter(self, record: std_logging.LogRecord) -> bool:
    if record.levelno >= std_logging.WARNING:
      return True
    return not any(package in record.pathname for package in _QUIET_PACKAGES)


_FILTER = _LibraryInfoFilter()


def quiet_library_info_logs() -> None:
  """Installs the filter on the absl logger (idempotent)."""
  logger = logging.get_absl_logger()
  if _FILTER not in logger.filters:
    logger.addFilter(_FILTER)
