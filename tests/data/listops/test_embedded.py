"""The embedded rnnlab_listops TFDS builder (tiny config)."""
import dataclasses

import numpy as np
import pytest

from rnnlab.data.listops import embedded, expressions


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  path = str(tmp_path_factory.mktemp("tfds"))
  embedded.prepare(path, config="tiny")
  return path


def test_tiny_splits_are_disjoint_and_labelled_by_their_value(data_dir):
  seen = {}
  for split, size in (("train", 48), ("validation", 8), ("test", 8)):
    source = embedded.load(split, config="tiny", data_dir=data_dir)
    assert len(source) == size
    records = [source[i] for i in range(size)]
    for record in records:
      tokens = record["tokens"]
      assert tokens.dtype == np.uint8 and 10 < tokens.shape[0] < 200
      assert int(record["label"]) == expressions.evaluate(tokens)
      tree = expressions.bracket_tree(tokens)
      assert tree.num_nodes == 2 * tokens.shape[0] - 1
      assert tree.labels[-1] == int(record["label"])
    seen[split] = {bytes(r["tokens"]) for r in records}
  assert not seen["train"] & seen["validation"]
  assert not seen["train"] & seen["test"]
  assert not seen["validation"] & seen["test"]


def test_generation_is_deterministic_and_config_errors():
  config = embedded.ListOpsConfig(name="t", num_train=5, num_validation=2, num_test=2,
                                  min_length=5, max_length=60, seed=3)
  assert embedded.generate_splits(config) == embedded.generate_splits(config)
  other = dataclasses.replace(config, seed=4)
  assert embedded.generate_splits(other) != embedded.generate_splits(config)
  with pytest.raises(ValueError, match="at least one expression"):
    embedded.generate_splits(dataclasses.replace(config, num_test=0))
  with pytest.raises(ValueError, match="no length lies strictly between"):
    embedded.generate_splits(dataclasses.replace(config, min_length=10, max_length=11))
  with pytest.raises(ValueError, match="Unknown rnnlab_listops split 'dev'"):
    embedded.load("dev", config="tiny")
  with pytest.raises(ValueError, match="Unknown rnnlab_listops config 'huge'"):
    embedded.prepare(config="huge")

