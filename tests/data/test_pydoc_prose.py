"""The embedded corpus: split rule, de-duplication, and a real build read via data_source."""
import subprocess
import sys

import pytest

from rnnlab.data import pydoc_prose


def test_split_of_is_fixed_and_roughly_90_5_5():
  ids = [f"module/m{i}" for i in range(4000)]
  splits = [pydoc_prose.split_of(i) for i in ids]
  assert splits == [pydoc_prose.split_of(i) for i in ids]
  fractions = {s: splits.count(s) / len(ids) for s in ("train", "valid", "test")}
  assert 0.87 < fractions["train"] < 0.93 and 0.03 < fractions["valid"] < 0.07


def test_split_documents_removes_repeated_paragraphs_across_splits():
  long_a = "A paragraph that is long enough to count as a duplicate here."
  docs = {}
  for i in range(200):
    docs.setdefault(pydoc_prose.split_of(f"topic/t{i}"), f"topic/t{i}")
  train_id, test_id = docs["train"], docs["test"]
  filler = " ".join(["Filler words make this document long enough to keep."] * 5)
  by_split = pydoc_prose.split_documents([
      (test_id, long_a + "\n" + filler + " test"), (train_id, long_a + "\n" + filler)])
  assert by_split["train"] == [(train_id, long_a + "\n" + filler)]
  assert by_split["test"] == [(test_id, filler + " test")]


def test_topic_documents_are_prose():
  documents = pydoc_prose.topic_documents()
  assert len(documents) > 50
  ids = dict(documents)
  assert "topic/for" in ids and ids["topic/for"].startswith('The "for" statement')
  assert all(text.isascii() and "::=" not in text and ">>>" not in text for text in ids.values())


@pytest.mark.slow
def test_prepares_offline_and_reads_through_data_source_without_tensorflow(tmp_path):
  # A fresh interpreter, so the check that TensorFlow stays out is not polluted.
  script = f"""
import sys, tensorflow_datasets as tfds
from rnnlab.data import tfds_text
corpus = tfds_text.load_tfds_corpus("rnnlab_pydoc_prose", data_dir={str(tmp_path)!r})
sizes = {{s: len(corpus.text(s)) for s in ("train", "valid", "test")}}
source = tfds.data_source("rnnlab_pydoc_prose", split="valid", data_dir={str(tmp_path)!r})
example = source[0]
assert set(example) == {{"id", "text", "source"}}, example.keys()
assert example["source"].decode().startswith("CPython"), example["source"]
print(sizes["train"], sizes["valid"], sizes["test"], "tensorflow" in sys.modules)
"""
  out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True, timeout=120)
  train, valid, test, tf_loaded = out.stdout.strip().split("\n")[-1].split()
  # Generated offline: TFDS's "Downloading and preparing dataset" line must not appear.
  assert "Downloading" not in out.stdout + out.stderr, out.stdout[-2000:]
  assert tf_loaded == "False"
  assert int(train) > 1_000_000 and int(valid) > 20_000 and int(test) > 20_000
  assert (tmp_path / "rnnlab_pydoc_prose" / "1.0.0").is_dir()
  assert list((tmp_path / "rnnlab_pydoc_prose" / "1.0.0").glob("*.array_record*"))
