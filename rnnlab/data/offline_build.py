"""Generating rnnlab's embedded TFDS datasets on the machine (nothing is downloaded).

``EmbeddedBuilder`` is the base of rnnlab's embedded builders (what they all declare alike:
version, release notes, the ``default`` config, the description, no download).

TFDS's ``download_and_prepare`` prints "Downloading and preparing dataset ..." to stdout
for every builder, which is misleading for a dataset generated offline. ``prepare_offline``
replaces those lines by log lines that say what is generated, where, and how long it took.
"""
import contextlib
import io
import sys
import time

from absl import logging
import tensorflow_datasets as tfds


class EmbeddedBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
  """Base of rnnlab's embedded TFDS builders (array_record, generated on the machine).

  Version 1.0.0, ``default`` as the default config, the builder module's docstring as the
  description. A subclass sets ``BUILDER_CONFIGS``, implements ``_info`` with
  :meth:`_dataset_info` and ``_generate_examples(examples)``, and either
  ``_split_examples()`` (``{split: examples}``, a pure function of ``self.builder_config``)
  or its own ``_split_generators``.
  """

  VERSION = tfds.core.Version("1.0.0")
  RELEASE_NOTES = {"1.0.0": "First release."}
  DEFAULT_CONFIG_NAME = "default"

  def _dataset_info(self, features, **kwargs) -> tfds.core.DatasetInfo:
    """``DatasetInfo`` with ``features`` (a ``FeaturesDict`` or a dict of TFDS features) and
    ``kwargs`` (``supervised_keys``, ``metadata``, ``homepage``, ...)."""
    if not isinstance(features, tfds.features.FeaturesDict):
      features = tfds.features.FeaturesDict(features)
    return tfds.core.DatasetInfo(
        builder=self, description=sys.modules[type(self).__module__].__doc__,
        features=features, **kwargs)

  def _split_examples(self) -> dict:
    raise NotImplementedError(f"{type(self).__name__} implements neither _split_examples nor "
                              "_split_generators")

  def _split_generators(self, dl_manager):
    del dl_manager  # Nothing is downloaded.
    return {name: self._generate_examples(examples)
            for name, examples in self._split_examples().items()}


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
