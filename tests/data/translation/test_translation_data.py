"""rnnlab.data.translation.translation_data: one translation data config, loaded (cached)."""
import ml_collections
import pytest

from rnnlab.data import translation as data_lib


def _files(folder, valid_lines=("a b", "a b c d e f g")):
  folder.mkdir(exist_ok=True)
  splits = {"train": ["a b", "b c", "c a b"], "valid": list(valid_lines), "test": ["c"]}
  for split, lines in splits.items():
    (folder / f"{split}.en").write_text("\n".join(lines) + "\n")
    (folder / f"{split}.fr").write_text("\n".join(l.upper() for l in lines) + "\n")
  return ml_collections.ConfigDict(dict(
      dataset="files", data_dir="", path=str(folder), source_lang="en", target_lang="fr",
      tokenizer="word", source_vocab_size=0, target_vocab_size=0, max_source_length=4,
      max_target_length=5, max_train_examples=0, max_eval_examples=0, max_test_examples=0,
      eval_split="validation", test_split="test"))


def test_pairs_encoded_within_limits_and_cached(tmp_path):
  data = _files(tmp_path / "p")
  loaded = data_lib.load_translation_data(data)
  assert data_lib.load_translation_data(_files(tmp_path / "p")) is loaded
  assert loaded.pairs("validation") == [("a b", "A B"), ("a b c d e f g", "A B C D E F G")]
  enc = loaded.encoded("validation")  # the 7-token pair is over max_source_length = 4
  assert enc.indices.tolist() == [0]
  assert loaded.source_tokenizer.decode(enc.sources[0]) == "a b"
  assert loaded.target_tokenizer.decode(enc.targets[0]) == "A B"
  data.max_eval_examples = 1
  assert len(data_lib.TranslationData(data).pairs("validation")) == 1


def test_a_split_with_no_pair_within_the_limits_is_refused(tmp_path):
  data = _files(tmp_path / "r", valid_lines=("a b c d e f g",))
  with pytest.raises(ValueError, match="no pair within the length limits"):
    data_lib.TranslationData(data).encoded("validation")
