"""TextCorpus and LazyDocuments."""
import pytest

from rnnlab.data import text_corpus


def test_text_and_lines():
  corpus = text_corpus.TextCorpus("t", {"train": ["a b\nc", "d"], "valid": ["e"], "test": []})
  assert corpus.text("train") == "a b\nc\nd\n"
  assert list(corpus.lines("train")) == ["a b", "c", "d"]
  assert corpus.text("test") == ""


def test_lazy_documents_decode_on_access_and_limit():
  calls = []

  def decode(record):
    calls.append(record)
    return record.upper()

  docs = text_corpus.LazyDocuments(["x", "y", "z"], decode, limit=2)
  assert len(docs) == 2 and calls == []
  assert docs[-1] == "Y" and list(docs) == ["X", "Y"] and docs[0:2] == ["X", "Y"]
  with pytest.raises(IndexError):
    docs[2]


def test_bad_splits_raise():
  with pytest.raises(ValueError, match=r"lacks splits \['test'\]"):
    text_corpus.TextCorpus("t", {"train": [], "valid": []})
  corpus = text_corpus.TextCorpus("t", {"train": [], "valid": [], "test": []})
  with pytest.raises(ValueError, match="Unknown split 'dev'"):
    corpus.documents("dev")
