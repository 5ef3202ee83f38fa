"""The embedded rnnlab_doc_subjects set: sentence rule, split rule, a real (tiny) build."""
import collections

import pytest

from rnnlab.data.classification import doc_subjects


def _prose(tag, n):
  return "\n".join(f"Sentence number {i} of the document {tag} says something." for i in range(n))


def test_sentences_keep_five_to_fifty_words():
  prose = "Too short here. This one has exactly five words. Long " + "word " * 50 + "end."
  assert doc_subjects.sentences(prose) == ["This one has exactly five words."]


def test_split_rule_is_by_document_and_covers_every_split():
  documents = []
  for subject in doc_subjects.SUBJECTS:
    for d in range(12):
      documents.append((subject, f"module/{subject}{d}", _prose(f"{subject}{d}", 10 + d)))
  shared = "This sentence occurs in two documents of different subjects."
  documents[0] = (documents[0][0], documents[0][1], documents[0][2] + "\n" + shared)
  documents[-1] = (documents[-1][0], documents[-1][1], documents[-1][2] + "\n" + shared)
  splits = doc_subjects.split_examples(documents)
  assert splits == doc_subjects.split_examples(list(reversed(documents)))  # order-free
  owner = {}
  for split, examples in splits.items():
    for text, subject, document in examples:
      assert owner.setdefault(document, split) == split  # a document is in one split
      assert document.startswith(f"module/{subject}")
      assert text != shared  # a sentence of two documents is dropped
    counts = collections.Counter(subject for _, subject, _ in examples)
    assert set(counts) == set(doc_subjects.SUBJECTS), split
  total = sum(len(e) for e in splits.values())
  assert 0.7 < len(splits["train"]) / total < 0.9


def test_a_subject_with_too_few_documents_is_refused():
  documents = [(s, f"module/{s}{d}", _prose(s + str(d), 5))
               for s in doc_subjects.SUBJECTS for d in range(3)]
  documents = [d for d in documents if d[1] != "module/gui2"]
  with pytest.raises(ValueError, match="subject 'gui' has 2 documents"):
    doc_subjects.split_examples(documents)


@pytest.mark.slow
def test_tiny_build_reads_through_data_source(tmp_path):
  seen = {}
  for split in doc_subjects.SPLITS:
    source = doc_subjects.load(split, config="tiny", data_dir=str(tmp_path))
    records = [source[i] for i in range(len(source))]
    assert {int(r["label"]) for r in records} == set(range(len(doc_subjects.SUBJECTS)))
    seen[split] = {r["document"] for r in records}
    text = records[0]["text"].decode("utf-8")
    assert doc_subjects.MIN_WORDS <= len(text.split()) <= doc_subjects.MAX_WORDS
  assert not seen["train"] & seen["test"] and not seen["train"] & seen["validation"]
  assert not seen["validation"] & seen["test"]
  with pytest.raises(ValueError, match="split 'valid'"):
    doc_subjects.load("valid", config="tiny", data_dir=str(tmp_path))
