"""Runs ``rnnlab.main``'s entry point with the toy task registered (used as a subprocess by
the kill/resume test): ``python tests/training/toy_run.py --workdir=DIR [--config.x=y]``."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from absl import flags  # noqa: E402

import toy_task  # noqa: E402,F401  (registers the task)
from rnnlab import cli  # noqa: E402
from rnnlab import main as rnnlab_main  # noqa: E402

if __name__ == "__main__":
  config_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_config.py")
  flags.FLAGS.set_default("config", config_path)
  cli.run(rnnlab_main.main, program="rnnlab.main", config_flag="config")
