"""Speech corpora on disk in the LibriSpeech layout, read without TensorFlow.

Layout (as LibriSpeech's ``.tar.gz`` files unpack, under any root)::

  <root>/<split>/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt
  <root>/<split>/<speaker>/<chapter>/<speaker>-<chapter>-<utterance>.flac   (or .wav)

``<split>`` is any folder name (``train-clean-100``, ``dev-clean``, ``test-clean``, ...).
Each line of a ``*.trans.txt`` file is ``<utterance id> <transcript>``; the audio of an
utterance is ``<utterance id>.flac`` (or ``.wav``) beside it. Audio is read with
``audio_files.read_audio`` (any rate and channel count; returned 16 kHz mono).
Utterances are in utterance-id order. An audio file that no transcript names is ignored
(and counted); a transcript line whose audio is missing, corrupt or unreadable is a
ValueError naming the file, or, with ``skip_unreadable=True``, skipped and counted.
"""
import dataclasses
import os

import numpy as np

from rnnlab.data.speech import audio_files

TRANSCRIPT_SUFFIX = ".trans.txt"


@dataclasses.dataclass(frozen=True)
class FileUtterance:
  """One transcript line: ``id``, its audio file ``path`` and the raw ``text``."""

  id: str
  path: str
  text: str


@dataclasses.dataclass(frozen=True)
class LoadedSplit:
  """A split read from disk.

  Attributes:
    audios: float32 ``[N]`` waveforms at the requested rate, one per utterance.
    texts: the raw transcripts (not normalised), aligned with ``audios``.
    skipped: ``(path, reason)`` of each unreadable audio file skipped.
    unmatched_audio: audio files in the split that no transcript line names.
  """

  audios: list
  texts: list
  skipped: list
  unmatched_audio: int


def _split_dir(root: str, split: str) -> str:
  if not os.path.isdir(root):
    raise ValueError(f"{root}: no such directory (data.path); expected a LibriSpeech-layout "
                     "folder holding one directory per split.")
  path = os.path.join(root, split)
  if not split or not os.path.isdir(path):
    found = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    raise ValueError(f"{path}: no split directory {split!r} in {root}; found: {found}.")
  return path


def list_split(root: str, split: str) -> tuple[list[FileUtterance], int]:
  """Transcript lines of ``<root>/<split>`` in id order, and the count of unmatched audio.

  Raises:
    ValueError: a missing root or split directory, a split without any
      ``*.trans.txt`` file, or a malformed line (naming the file and line number).
  """
  split_dir = _split_dir(root, split)
  utterances, audio_paths = [], set()
  for folder, dirs, files in os.walk(split_dir):
    dirs.sort()
    for name in sorted(files):
      if name.lower().endswith(audio_files.AUDIO_EXTENSIONS):
        audio_paths.add(os.path.join(folder, name))
      if not name.endswith(TRANSCRIPT_SUFFIX):
        continue
      transcript_path = os.path.join(folder, name)
      with open(transcript_path, encoding="utf-8", errors="strict") as f:
        try:
          lines = f.read().splitlines()
        except UnicodeDecodeError as e:
          raise ValueError(f"{transcript_path}: not UTF-8 text ({e}).") from e
      for number, line in enumerate(lines, 1):
        if not line.strip():
          continue
        parts = line.strip().split(maxsplit=1)
        if len(parts) != 2:
          raise ValueError(f"{transcript_path}:{number}: expected '<utterance id> <transcript>',"
                           f" got {line!r}.")
        utterance_id, text = parts
        candidates = [os.path.join(folder, utterance_id + ext)
                      for ext in audio_files.AUDIO_EXTENSIONS]
        path = next((c for c in candidates if os.path.isfile(c)), candidates[0])
        utterances.append(FileUtterance(id=utterance_id, path=path, text=text))
  if not utterances:
    raise ValueError(f"{split_dir}: no '*{TRANSCRIPT_SUFFIX}' transcript files; expected "
                     "<split>/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt.")
  named = {u.path for u in utterances}
  utterances.sort(key=lambda u: u.id)
  return utterances, len(audio_paths - named)


def load_split(root: str, split: str, sample_rate: int = 16000, skip_unreadable: bool = False,
               max_examples: int = 0) -> LoadedSplit:
  """Reads the utterances of ``<root>/<split>`` (the first ``max_examples``; 0 = all).

  Raises:
    ValueError: see ``list_split``; an unreadable audio file (naming it) unless
      ``skip_unreadable``.
  """
  utterances, unmatched = list_split(root, split)
  if max_examples:
    utterances = utterances[:max_examples]
  audios, texts, skipped = [], [], []
  for utterance in utterances:
    try:
      audio = audio_files.read_audio(utterance.path, sample_rate)
    except ValueError as e:
      if not skip_unreadable:
        raise ValueError(f"{e} (set data.skip_unreadable=True to skip such files)") from e
      skipped.append((utterance.path, str(e)))
      continue
    audios.append(np.asarray(audio, np.float32))
    texts.append(utterance.text)
  return LoadedSplit(audios=audios, texts=texts, skipped=skipped, unmatched_audio=unmatched)
