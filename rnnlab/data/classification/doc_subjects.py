"""``rnnlab_doc_subjects``: sentences of CPython's documentation labelled by subject, built offline.

Why this set: the default classification data must be real text with real labels, with no
download, and large enough that cells and pooling choices differ. Every Python installation
carries its own documentation (the prose of :mod:`rnnlab.data.pydoc_prose`): the language
reference pages and the docstrings of the pure-Python standard library. A sentence's label
is the subject of the document it comes from, so the labels are given by provenance, not
by anyone's judgement of the sentence: the language reference, or the chapter of the
Library Reference (docs.python.org/3/library) that documents its module, grouped into
:data:`SUBJECTS` (8 classes; :data:`MODULE_SUBJECTS` lists the top-level modules of each;
other modules are not used). Sentences are short (5-50 words) and many are ambiguous on
their own ("Return the number of bytes written."), so the task is far from solved: a
bag-of-words logistic regression (:mod:`rnnlab.baselines.bag_of_words`) reaches 54.1% test
accuracy (macro-F1 0.52; CPython 3.11.7), small recurrent models at a 1,500-step budget the
same within about two points (README, "Sentence classification").

Examples: ``text`` (one sentence), ``label`` (the subject), ``document``
(``topic/<name>`` or ``module/<dotted.name>``). A sentence that occurs in two documents is
dropped everywhere (it would have two labels or leak across splits).

Splits are disjoint by document. Within each subject the documents are ordered by the MD5
hash of their id; the subject's largest document goes to train, the first other one to
``test``, the next to ``validation`` (so every subject is in every split), and each further
one to the split furthest below its share (80/10/10 of the subject's sentences assigned so
far, this document included).

The text depends on the Python that builds it (its docs change between releases);
``source`` records ``sys.version``. Configs: ``default`` (every mapped module; about 20 s
to build), ``tiny`` (for tests: one or a few packages per subject, :data:`TINY_MODULES`,
and 40 topics).
"""
import collections
import dataclasses
import hashlib
import os
import re
import sys
import sysconfig

import tensorflow_datasets as tfds

from rnnlab.data import offline_build
from rnnlab.data import pydoc_prose

NAME = "rnnlab_doc_subjects"
SPLITS = ("train", "validation", "test")
LANGUAGE = "language_reference"
# Library Reference chapters (docs.python.org/3/library/index.html), grouped; a module is
# listed under the chapter that documents it.
MODULE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "internet": (  # Internet Protocols, Internet Data Handling, Markup, Networking
        "asynchat", "asyncore", "base64", "cgi", "cgitb", "email", "ftplib", "html", "http",
        "imaplib", "ipaddress", "json", "mailbox", "mailcap", "mimetypes", "nntplib", "poplib",
        "quopri", "smtpd", "smtplib", "socket", "socketserver", "ssl", "telnetlib", "urllib",
        "uuid", "webbrowser", "wsgiref", "xml", "xmlrpc"),
    "concurrency": (  # Concurrent Execution, asyncio
        "_threading_local", "asyncio", "concurrent", "multiprocessing", "queue", "sched",
        "selectors", "signal", "subprocess", "threading"),
    "gui": ("idlelib", "tkinter", "turtle"),  # Graphical User Interfaces with Tk, IDLE
    "development": (  # Development Tools, Debugging and Profiling, Python Language Services
        "ast", "bdb", "cProfile", "code", "codeop", "compileall", "dis", "doctest", "inspect",
        "pdb", "pickletools", "profile", "pstats", "py_compile", "pyclbr", "pydoc", "symtable",
        "tabnanny", "timeit", "tokenize", "trace", "traceback", "tracemalloc", "typing",
        "unittest", "warnings"),
    "importing": (  # Importing Modules, Software Packaging and Distribution, Runtime Services
        "distutils", "importlib", "modulefinder", "pkgutil", "runpy", "site", "sysconfig",
        "venv", "zipapp", "zipimport"),
    "files": (  # File and Directory Access, Persistence, Compression, File Formats, Generic OS
        "_pyio", "bz2", "configparser", "csv", "dbm", "filecmp", "fileinput", "fnmatch",
        "genericpath", "glob", "gzip", "io", "linecache", "lzma", "netrc", "ntpath", "os",
        "pathlib", "pickle", "plistlib", "posixpath", "shelve", "shutil", "sqlite3", "stat",
        "tarfile", "tempfile", "tomllib", "zipfile"),
    "text_and_data": (  # Text Processing, Data Types, Numeric and Mathematical Modules
        "_pydecimal", "_strptime", "bisect", "calendar", "codecs", "collections", "copy",
        "datetime", "difflib", "encodings", "enum", "fractions", "gettext", "graphlib",
        "heapq", "locale", "numbers", "pprint", "random", "re", "statistics", "string",
        "textwrap", "types", "weakref"),
}
SUBJECTS = (LANGUAGE, *MODULE_SUBJECTS)
# The ``tiny`` config: packages of several documents each, so every split gets every subject.
TINY_MODULES = {"internet": ("email",), "concurrency": ("asyncio",), "gui": ("idlelib",),
                "development": ("unittest",), "importing": ("importlib",),
                "files": ("dbm", "os", "pathlib", "shutil"), "text_and_data": ("encodings",)}
SHARES = {"train": 0.8, "validation": 0.1, "test": 0.1}
MIN_WORDS, MAX_WORDS = 5, 50
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


@dataclasses.dataclass(kw_only=True)
class DocSubjectsConfig(tfds.core.BuilderConfig):
  """``tiny``: only :data:`TINY_MODULES`; ``max_topics``: 0 = all."""
  tiny: bool = False
  max_topics: int = 0


def sentences(prose: str) -> list[str]:
  """The sentences of ``MIN_WORDS``-``MAX_WORDS`` words of ``prose`` (one paragraph a line)."""
  out = []
  for paragraph in prose.split("\n"):
    for sentence in _SENTENCE_END.split(paragraph.strip()):
      if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
        out.append(sentence)
  return out


def _module_files(root: str, module: str) -> list[str]:
  single = os.path.join(root, module + ".py")
  if os.path.isfile(single):
    return [single]
  files = []
  for folder, dirs, names in os.walk(os.path.join(root, module)):
    dirs[:] = sorted(d for d in dirs if d not in pydoc_prose.SKIPPED_DIRS)
    files.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith(".py"))
  return files


def subject_documents(config: DocSubjectsConfig, stdlib_dir: str | None = None
                      ) -> list[tuple[str, str, str]]:
  """``(subject, document id, prose)`` for every document of ``config``, sorted by id."""
  root = stdlib_dir or sysconfig.get_paths()["stdlib"]
  topics = pydoc_prose.topic_documents()
  if config.max_topics:
    topics = topics[:config.max_topics]
  documents = [(LANGUAGE, i, text) for i, text in topics]
  for subject, modules in (TINY_MODULES if config.tiny else MODULE_SUBJECTS).items():
    for module in modules:
      for path in _module_files(root, module):
        document = pydoc_prose.module_document(root, path)
        if document is not None:
          documents.append((subject, *document))
  return sorted(documents, key=lambda d: d[1])


def _hash(document_id: str) -> int:
  return int(hashlib.md5(document_id.encode("utf-8")).hexdigest(), 16)


def split_examples(documents: list[tuple[str, str, str]]
                   ) -> dict[str, list[tuple[str, str, str]]]:
  """``{split: [(sentence, subject, document id), ...]}`` by the rule of the module docstring.

  Raises ValueError if a subject has too few documents to appear in every split.
  """
  per_document = {}
  counts = collections.Counter()
  for subject, document_id, prose in documents:
    kept = list(dict.fromkeys(sentences(prose)))  # in order, once per document
    per_document[document_id] = (subject, kept)
    counts.update(kept)
  by_subject = collections.defaultdict(list)
  for document_id, (subject, kept) in per_document.items():
    kept = [s for s in kept if counts[s] == 1]
    if kept:
      by_subject[subject].append((document_id, kept))
  out = {split: [] for split in SPLITS}
  for subject in SUBJECTS:
    docs = sorted(by_subject.get(subject, []), key=lambda d: _hash(d[0]))
    if len(docs) < len(SPLITS):
      raise ValueError(f"subject {subject!r} has {len(docs)} documents; every split needs one "
                       f"(at least {len(SPLITS)})")
    largest = max(docs, key=lambda d: len(d[1]))
    docs.remove(largest)
    assigned = {"train": len(largest[1]), "test": 0, "validation": 0}
    plan = [("train", largest), ("test", docs[0]), ("validation", docs[1])]
    assigned["test"], assigned["validation"] = len(docs[0][1]), len(docs[1][1])
    for document in docs[2:]:
      total = sum(assigned.values()) + len(document[1])
      split = max(SPLITS, key=lambda s: SHARES[s] * total - assigned[s])
      assigned[split] += len(document[1])
      plan.append((split, document))
    for split, (document_id, kept) in plan:
      out[split].extend((s, subject, document_id) for s in kept)
  return out


class RnnlabDocSubjects(offline_build.EmbeddedBuilder):
  """Sentences of CPython's documentation labelled by subject (see the module docstring)."""

  BUILDER_CONFIGS = [
      DocSubjectsConfig(name="default", description="Every mapped module and every topic."),
      DocSubjectsConfig(name="tiny", description="For tests: TINY_MODULES and 40 topics.",
                        tiny=True, max_topics=40),
  ]

  def _info(self) -> tfds.core.DatasetInfo:
    return self._dataset_info({
        "text": tfds.features.Text(),
        "label": tfds.features.ClassLabel(names=list(SUBJECTS)),
        "document": tfds.features.Text(),
        "source": tfds.features.Text(),
    }, supervised_keys=("text", "label"), homepage="https://docs.python.org/3/library/")

  def _split_examples(self):
    # Nothing is downloaded: the text ships with Python.
    return split_examples(subject_documents(self.builder_config))

  def _generate_examples(self, examples):
    source = f"CPython {sys.version.split()[0]}"
    for index, (text, subject, document_id) in enumerate(examples):
      yield index, {"text": text, "label": subject, "document": document_id, "source": source}


def prepare(data_dir: str | None = None, config: str = "default") -> tfds.core.DatasetBuilder:
  """Generates ``rnnlab_doc_subjects/<config>`` in ``data_dir`` unless it is there."""
  return offline_build.prepare_config(RnnlabDocSubjects, config, data_dir)


def load(split: str, config: str = "default", data_dir: str | None = None):
  """The ``tfds.data_source`` of one split (``text``, ``label``, ``document``), generating the
  set first if needed. Raises ValueError for an unknown split or config."""
  if split not in SPLITS:
    raise ValueError(f"Unknown {NAME} split {split!r}; allowed: {SPLITS}.")
  return prepare(data_dir, config).as_data_source(split=split)
