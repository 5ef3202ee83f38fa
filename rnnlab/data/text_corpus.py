"""A text corpus: documents per split, read lazily, and the text a split stands for.

Every language-modeling dataset in rnnlab (TFDS sources, the embedded corpus, local
text files) is a ``TextCorpus``: for each of the splits ``'train'``, ``'valid'`` and
``'test'`` a random-access sequence of documents (``str``). The text of a split is
its documents, each followed by one newline: ``"".join(d + "\\n" for d in docs)``.
Character models read that text as it is; word models read one ``<eos>`` per newline,
which is the Penn Treebank convention (a PTB file has one sentence per line).
"""
import dataclasses
from typing import Callable, Iterator, Mapping, Sequence

SPLITS = ("train", "valid", "test")


class LazyDocuments(Sequence[str]):
  """A read-only ``Sequence[str]`` that decodes documents from a random-access source.

  Args:
    source: any object with ``__len__`` and ``__getitem__(int)`` (a
      ``tfds.data_source`` split, a list, ...).
    to_text: maps one record of ``source`` to the document's text.
    limit: read at most this many records (``None``: all).
  """

  def __init__(self, source, to_text: Callable[[object], str], limit=None):
    self._source = source
    self._to_text = to_text
    self._len = len(source) if limit is None else min(limit, len(source))

  def __len__(self) -> int:
    return self._len

  def __getitem__(self, index):
    if isinstance(index, slice):
      return [self[i] for i in range(*index.indices(self._len))]
    if not -self._len <= index < self._len:
      raise IndexError(f"document index {index} out of range for {self._len} documents")
    return self._to_text(self._source[index % self._len])

  def __iter__(self) -> Iterator[str]:
    for i in range(self._len):
      yield self[i]


@dataclasses.dataclass(frozen=True)
class TextCorpus:
  """Documents of a dataset per split.

  Attributes:
    name: where it came from (``'tiny_shakespeare'``, ``'files:/data/ptb'``, ...).
    splits: ``'train'``, ``'valid'``, ``'test'`` -> sequence of documents.
  """
  name: str
  splits: Mapping[str, Sequence[str]]

  def __post_init__(self):
    missing = [s for s in SPLITS if s not in self.splits]
    if missing:
      raise ValueError(f"TextCorpus {self.name!r} lacks splits {missing}; needs {SPLITS}.")

  def documents(self, split: str) -> Sequence[str]:
    """The documents of ``split`` (one of ``SPLITS``)."""
    if split not in self.splits:
      raise ValueError(f"Unknown split {split!r} for {self.name!r}; allowed: {SPLITS}.")
    return self.splits[split]

  def text(self, split: str) -> str:
    """The split as one string: each document followed by a newline."""
    return "".join(doc + "\n" for doc in self.documents(split))

  def lines(self, split: str) -> Iterator[str]:
    """The non-empty lines of the split's text (sentences, for sentence mode)."""
    for doc in self.documents(split):
      for line in doc.split("\n"):
        if line.strip():
          yield line
