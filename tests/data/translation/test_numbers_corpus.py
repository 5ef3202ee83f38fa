import pytest

from rnnlab.data.translation import numbers_corpus, sources


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
  return str(tmp_path_factory.mktemp("tfds"))


def test_tiny_corpus_builds_with_disjoint_splits(tiny_dir):
  splits = {name: sources.load_split("rnnlab_en_fr_numbers/tiny", name, data_dir=tiny_dir)
            for name in sources.SPLITS}
  assert {k: len(v) for k, v in splits.items()} == {"train": 300, "validation": 50, "test": 50}
  sentences = {name: {en for en, _ in split.pairs()} for name, split in splits.items()}
  assert not sentences["train"] & sentences["test"]
  assert not sentences["train"] & sentences["validation"]
  assert not sentences["validation"] & sentences["test"]
  for name, split_sentences in sentences.items():
    assert all(numbers_corpus.split_of(en) == name for en in split_sentences)
  en, fr = splits["test"][0]
  assert isinstance(en, str) and isinstance(fr, str) and en.endswith(".")


def test_generation_is_deterministic():
  config = numbers_corpus.NumbersConfig(name="t", num_train=20, num_validation=3, num_test=3)
  assert numbers_corpus.generate_pairs(config) == numbers_corpus.generate_pairs(config)
  with pytest.raises(ValueError, match="at least one pair"):
    numbers_corpus.generate_pairs(numbers_corpus.NumbersConfig(name="z", num_test=0))
