"""Entry point: ``python -m rnnlab.main --config=configs/<file>.py --workdir=<dir>``.

Override any config value with ``--config.<section>.<key>=<value>`` (the config is
locked: a key that does not exist is an error); pick a config variant with
``--config=configs/adding.py:debug``. Running the same command again on the same workdir
resumes from its latest checkpoint. Multi-host: add ``--jax_distributed`` on every host
(calls ``jax.distributed.initialize()``, which reads the cluster from the environment).
"""
import sys

from absl import app
from absl import flags
from absl import logging
import jax
from ml_collections import config_flags

from rnnlab import config_validation
from rnnlab import training

_CONFIG = config_flags.DEFINE_config_file(
    "config", None, "Path to a config file (configs/<name>.py[:variant]).", lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", None, "Run directory (created; resumed if it exists).")
_JAX_DISTRIBUTED = flags.DEFINE_bool(
    "jax_distributed", False, "Call jax.distributed.initialize() first (multi-host runs).")
flags.mark_flags_as_required(["config", "workdir"])


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  if _JAX_DISTRIBUTED.value:
    jax.distributed.initialize()
  config = _CONFIG.value
  try:
    config_validation.validate_config(config)
  except ValueError as error:
    sys.exit(f"rnnlab.main: invalid config: {error}")
  logging.info("devices: %d x %s, processes: %d", jax.device_count(),
               jax.devices()[0].platform, jax.process_count())
  try:
    result = training.train_and_evaluate(config, _WORKDIR.value)
  except training.NonFiniteLossError as error:
    sys.exit(f"rnnlab.main: {error}")
  logging.info("%s at step %d; eval: %s; final: %s", result["status"], result["step"],
               result["eval"], result["final"])


if __name__ == "__main__":
  app.run(main)
