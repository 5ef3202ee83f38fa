"""A user's Moses / fairseq parallel files (rnnlab.data.translation.parallel_files)."""
import pytest

from rnnlab.data.translation import parallel_files, sources


def _write_corpus(folder, src="de", tgt="en", **override):
  files = {
      f"train.{src}": "Guten Morgen\r\nDanke\n\nJa\n", f"train.{tgt}": "Good morning\nThanks\n\nYes",
      f"valid.{src}": "Nein\n", f"valid.{tgt}": "No\n",
      f"test.{src}": "Hallo Welt\n", f"test.{tgt}": "Hello world\n",
  }
  files.update(override)
  folder.mkdir(exist_ok=True)
  for name, text in files.items():
    if text is not None:
      (folder / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
  return str(folder)


def test_reads_aligned_splits(tmp_path):
  path = _write_corpus(tmp_path / "c")
  assert parallel_files.read_parallel_split(path, "train", "de", "en") == [
      ("Guten Morgen", "Good morning"), ("Danke", "Thanks"), ("Ja", "Yes")]  # blank pair skipped
  assert parallel_files.read_parallel_split(path, "validation", "de", "en") == [("Nein", "No")]
  assert parallel_files.read_parallel_split(path, "test", "en", "de") == [
      ("Hello world", "Hallo Welt")]  # either direction


def test_through_load_split(tmp_path):
  path = _write_corpus(tmp_path / "c")
  split = sources.load_split("files", "train", source_lang="de", target_lang="en", path=path)
  assert (split.source_lang, split.target_lang, len(split)) == ("de", "en", 3)
  assert split[1] == ("Danke", "Thanks") and split.pairs(2) == split.pairs()[:2]
  with pytest.raises(ValueError, match="dataset 'files' needs data.path"):
    sources.load_split("files", "train", source_lang="de", target_lang="en")


@pytest.mark.parametrize("override, split, message", [
    ({"valid.en": None}, "validation", r"valid\.en does not exist"),
    ({"test.de": "  \n\n"}, "test", r"test\.de is empty"),
    ({"train.en": "Good morning\nThanks\n"}, "train",
     r"train\.de has 4 lines but .*train\.en has 2: line 3 of .*train\.de has no counterpart"),
    ({"train.de": b"Guten Morgen\nDanke\n\nJ\xe4\n"}, "train",
     r"train\.de, line 4: not UTF-8 \(byte 0xe4 at column 2\)"),
    ({"train.en": "Good morning\n\n\nYes\n"}, "train",
     r"train\.en, line 2: blank, but line 2 of .*train\.de is not"),
])
def test_bad_files_name_the_file_and_line(tmp_path, override, split, message):
  path = _write_corpus(tmp_path / "c", **override)
  with pytest.raises(ValueError, match=message):
    parallel_files.read_parallel_split(path, split, "de", "en")


def test_bad_arguments(tmp_path):
  path = _write_corpus(tmp_path / "c")
  with pytest.raises(ValueError, match="needs data.source_lang and data.target_lang"):
    parallel_files.read_parallel_split(path, "train", "", "en")
  with pytest.raises(ValueError, match="both 'en'"):
    parallel_files.read_parallel_split(path, "train", "en", "en")
  with pytest.raises(ValueError, match="folder .*missing' does not exist; it must hold train.de"):
    parallel_files.read_parallel_split(str(tmp_path / "missing"), "train", "de", "en")
  with pytest.raises(ValueError, match="unknown split 'dev'"):
    parallel_files.split_paths(path, "dev", "de", "en")
