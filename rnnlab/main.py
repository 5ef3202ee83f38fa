"""Entry point: ``python -m rnnlab.main --config=configs/<file>.py --workdir=<dir>``.

Override any config value with ``--config.<section>.<key>=<value>`` (the config is
locked: a key that does not exist is an error); pick a config variant with
``--config=configs/adding.py:debug``. A researcher's own cells (or tasks) register from their
own module with ``--import=my_package.my_cells`` (repeatable; imported before the config file
is loaded, see ``rnnlab.user_imports``), then ``--config.model.cell=<name>
--config.model.<name>.<hyperparameter>=...`` select and set them. Running the same command
again on the same workdir resumes from its latest checkpoint; a changed config is refused
unless the changed keys are in ``training.RESUMABLE_KEYS`` or named in
``--allow_config_change``. Multi-host: add ``--jax_distributed`` on every host (calls
``jax.distributed.initialize()``, which reads the cluster from the environment). Bad input
ends in one line on stderr (``rnnlab.cli``).
"""
import sys

from absl import app
from absl import flags
from absl import logging
import jax
from ml_collections import config_flags

from rnnlab import cli
from rnnlab import training
from rnnlab import user_imports

_CONFIG = config_flags.DEFINE_config_file(
    "config", None, "Path to a config file (configs/<name>.py[:variant]).", lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", None, "Run directory (created; resumed if it exists).")
_ALLOW_CONFIG_CHANGE = flags.DEFINE_list(
    "allow_config_change", [], "Config keys (or sections) that may differ from the run "
    "directory's config.json when resuming, e.g. optimizer.learning_rate,train.batch_size.")
_JAX_DISTRIBUTED = flags.DEFINE_bool(
    "jax_distributed", False, "Call jax.distributed.initialize() first (multi-host runs).")
flags.mark_flags_as_required(["config", "workdir"])
user_imports.define_flag()


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {argv[1:]}")
  if _JAX_DISTRIBUTED.value:
    jax.distributed.initialize()
  config = _CONFIG.value  # validated by train_and_evaluate, before anything is built
  logging.info("devices: %d x %s, processes: %d", jax.device_count(),
               jax.devices()[0].platform, jax.process_count())
  result = training.train_and_evaluate(config, _WORKDIR.value,
                                       allow_config_change=_ALLOW_CONFIG_CHANGE.value)
  logging.info("%s at step %d; eval: %s; final: %s", result["status"], result["step"],
               result["eval"], result["final"])


if __name__ == "__main__":
  # Before absl parses --config (which loads the config file and applies its overrides).
  try:
    user_imports.import_from_argv(sys.argv)
  except ValueError as error:
    cli.fail("rnnlab.main", str(error))
  cli.run(main, program="rnnlab.main", config_flag="config")
