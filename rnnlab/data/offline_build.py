"""Generating rnnlab's embedded TFDS datasets on the machine (nothing is downloaded).

TFDS's ``download_and_prepare`` prints "Downloading and preparing dataset ..." to stdout
for every builder, which is misleading for a dataset generated offline. ``prepare_offline``
replaces those lines by log lines that say what is generated, where, and how long it took.
"""
import contextlib
import io
import time

from absl import logging
import tensorflow_datasets as tfds


def prepare_offline(builder: tfds.core.DatasetBuilder) -> tfds.core.DatasetBuilder:
  """Generates ``builder``'s dataset (array_record) unless it is prepared; returns the builder.

  Args:
    builder: an rnnlab embedded builder whose ``_split_generators`` downloads nothing.

  Returns:
    ``builder``, prepared.
  """
  if builder.is_prepared():
    return builder
  logging.info("generating the embedded dataset %s in %s (built on this machine from "
               "installed files; nothing is downloaded) ...", builder.info.full_name,
               builder.data_dir)
  start = time.perf_counter()
  with contextlib.redirect_stdout(io.StringIO()):  # TFDS's "Downloading and preparing ..." lines
    builder.download_and_prepare(file_format=tfds.core.FileFormat.ARRAY_RECORD)
  logging.info("generated %s in %.0f s", builder.info.full_name, time.perf_counter() - start)
  return builder


def prepare_config(builder_class: type, config: str, data_dir: str | None
                   ) -> tfds.core.DatasetBuilder:
  """Builds ``builder_class``'s config ``config`` in ``data_dir`` unless it is there.

  ``data_dir`` defaults to TFDS's own (``~/tensorflow_datasets`` or ``$TFDS_DATA_DIR``).

  Raises:
    ValueError: ``config`` is not one of the builder's configs (the message lists them).
  """
  names = [c.name for c in builder_class.BUILDER_CONFIGS]
  if config not in names:
    raise ValueError(f"Unknown {builder_class.name} config {config!r}; allowed: {names}.")
  return prepare_offline(builder_class(config=config, data_dir=data_dir,
                                       file_format=tfds.core.FileFormat.ARRAY_RECORD))
