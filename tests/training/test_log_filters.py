"""training.log_filters: libraries' INFO lines hidden (issue 18 item 7: orbax's 'Closing
_NonBlockingMetadataStore' lines around a translation), rnnlab's own lines and every warning
kept, everything shown at ``--verbosity=1``."""
import logging
import os

from absl import logging as absl_logging
import orbax.checkpoint
import pytest

import rnnlab
from rnnlab.training import log_filters

_ORBAX = os.path.join(os.path.dirname(orbax.checkpoint.__file__), "checkpoint.py")
_RNNLAB = os.path.join(os.path.dirname(rnnlab.__file__), "sample.py")


@pytest.fixture
def verbosity():
  before = absl_logging.get_verbosity()
  yield absl_logging.set_verbosity
  absl_logging.set_verbosity(before)


def _shown(path: str, level: int, message: str) -> bool:
  log_filters.quiet_library_info_logs()
  record = logging.LogRecord("absl", level, path, 459, message, None, None)
  return bool(absl_logging.get_absl_logger().filter(record)
              and absl_logging.get_absl_handler().filter(record))


def test_library_info_is_hidden_rnnlab_info_and_warnings_are_shown(verbosity):
  verbosity(absl_logging.INFO)  # absl's default in a CLI
  assert not _shown(_ORBAX, logging.INFO, "Closing _NonBlockingMetadataStore(...)")
  assert not _shown(_ORBAX, logging.DEBUG, "a debug line")
  assert _shown(_RNNLAB, logging.INFO, "runs/x, checkpoint step 4, temperature 1.0")
  assert _shown(_ORBAX, logging.WARNING, "a library warning")
  assert _shown(_ORBAX, logging.ERROR, "a library error")
  # What rnnlab does on purpose (reading an item's metadata, periodic saves without metrics).
  assert not _shown(_ORBAX, logging.WARNING, "Metadata file does not exist: /x/_METADATA")


def test_verbosity_1_shows_everything(verbosity):
  verbosity(absl_logging.DEBUG)  # --verbosity=1
  assert _shown(_ORBAX, logging.INFO, "Closing _NonBlockingMetadataStore(...)")
  assert _shown(_ORBAX, logging.WARNING, "Metadata file does not exist: /x/_METADATA")
