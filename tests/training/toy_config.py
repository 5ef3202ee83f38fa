"""Config of the toy task for subprocess tests (see toy_run.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import toy_task  # noqa: E402


def get_config(variant=None):
  del variant
  return toy_task.toy_config()
