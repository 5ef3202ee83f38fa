"""LibriSpeech-layout folders: listing, reading, bad files, and no TensorFlow needed."""
import os
import subprocess
import sys

import numpy as np
import pytest

from rnnlab.data.speech import librispeech_files
from rnnlab.data.speech import sources
from tests.data.speech import librispeech_layout


@pytest.fixture(scope="module")
def root(tmp_path_factory):
  return librispeech_layout.make(str(tmp_path_factory.mktemp("librispeech")))


def test_list_split_in_id_order_with_flac_and_wav(root):
  utterances, unmatched = librispeech_files.list_split(root, "train-clean-100")
  assert [u.id for u in utterances] == sorted(librispeech_layout.TEXTS["train-clean-100"])
  assert unmatched == 0
  by_id = {u.id: u for u in utterances}
  assert by_id["19-198-0000"].path == os.path.join(root, "train-clean-100", "19", "198",
                                                   "19-198-0000.flac")
  assert by_id["19-198-0004"].path.endswith("19-198-0004.wav")
  assert by_id["19-198-0001"].text == "A DOG RAN HOME, QUICKLY!"


def test_corrupt_file_is_an_error_naming_it_or_skipped_and_counted(root):
  with pytest.raises(ValueError, match=r"26-495-0001\.flac: not a readable audio file.*"
                                       r"data\.skip_unreadable=True"):
    librispeech_files.load_split(root, "train-clean-100")
  loaded = librispeech_files.load_split(root, "train-clean-100", skip_unreadable=True)
  assert len(loaded.audios) == 6 and len(loaded.skipped) == 1
  assert loaded.skipped[0][0].endswith("26-495-0001.flac")
  assert all(a.dtype == np.float32 and a.ndim == 1 and a.size > 8000 for a in loaded.audios)


def test_8k_stereo_wav_comes_back_16k_mono(root):
  loaded = librispeech_files.load_split(root, "train-clean-100", skip_unreadable=True)
  stereo = loaded.audios[loaded.texts.index("THE RIVER IS COLD TODAY")]
  flac = loaded.audios[loaded.texts.index("THE CAT SAT ON THE MAT.")]
  # Same voice and rate: speech of similar length at 16 kHz (an unresampled 8 kHz file
  # would be about half as long).
  assert 0.6 < stereo.size / flac.size < 1.6
  assert np.max(np.abs(stereo)) < 0.76  # mean of the channels (1.0 and 0.5 of the speech)


def test_normalised_transcripts_and_outside_characters_logged(root, caplog):
  utterances = sources.load_utterances("files", "train-clean-100", path=root,
                                       skip_unreadable=True)
  texts = [u.text for u in utterances]
  assert "a dog ran home quickly" in texts and "we met at o'clock" in texts
  assert all(u.audio.dtype == np.int16 for u in utterances)
  warnings = [r.getMessage() for r in caplog.records if "outside the alphabet" in r.getMessage()]
  assert len(warnings) == 1  # logged once per split, with the counts
  # '.', ',', '!' and '9' (the corrupt file's transcript is not read into the set).
  assert "4 transcript characters outside" in warnings[0] and "'9' x1" in warnings[0]
  assert any("skipped 1 unreadable" in r.getMessage() for r in caplog.records)


def test_missing_directories_and_bad_transcripts(root, tmp_path):
  with pytest.raises(ValueError, match=r"no split directory 'train-other-500'.*found: "
                                       r"\['dev-clean', 'test-clean', 'train-clean-100'\]"):
    librispeech_files.list_split(root, "train-other-500")
  with pytest.raises(ValueError, match="no such directory"):
    librispeech_files.list_split(str(tmp_path / "nope"), "dev-clean")
  (tmp_path / "empty-split" / "1" / "2").mkdir(parents=True)
  with pytest.raises(ValueError, match=r"no '\*\.trans\.txt' transcript files"):
    librispeech_files.list_split(str(tmp_path), "empty-split")
  chapter = tmp_path / "bad" / "1" / "2"
  chapter.mkdir(parents=True)
  (chapter / "1-2.trans.txt").write_text("1-2-0000 HELLO\n1-2-0001\n")
  with pytest.raises(ValueError, match=r"1-2\.trans\.txt:2: expected '<utterance id> "
                                       r"<transcript>'"):
    librispeech_files.list_split(str(tmp_path), "bad")
  chapter = tmp_path / "no-audio" / "1" / "2"
  chapter.mkdir(parents=True)
  (chapter / "1-2.trans.txt").write_text("1-2-0000 HELLO\n")
  with pytest.raises(ValueError, match=r"1-2-0000\.flac: no such file"):
    librispeech_files.load_split(str(tmp_path), "no-audio")
  assert not librispeech_files.load_split(str(tmp_path), "no-audio",
                                          skip_unreadable=True).audios


def test_unmatched_audio_is_counted(tmp_path, root):
  chapter = tmp_path / "s" / "1" / "2"
  chapter.mkdir(parents=True)
  source = os.path.join(root, "dev-clean", "84", "121", "84-121-0000.flac")
  for name in ("1-2-0000.flac", "1-2-0001.flac"):
    with open(source, "rb") as f, open(chapter / name, "wb") as g:
      g.write(f.read())
  (chapter / "1-2.trans.txt").write_text("1-2-0000 THE SUN IS BRIGHT\n")
  loaded = librispeech_files.load_split(str(tmp_path), "s")
  assert loaded.texts == ["THE SUN IS BRIGHT"] and loaded.unmatched_audio == 1


@pytest.mark.slow  # a fresh interpreter importing rnnlab.data: ~8 s on 2 busy cores
def test_files_dataset_never_imports_tensorflow(root):
  # TensorFlow hidden as if not installed (even where the tf extra is): reading a
  # LibriSpeech-layout folder must still work.
  code = ("import sys\n"
          "class Hide:\n"
          "  def find_spec(self, name, path=None, target=None):\n"
          "    if name.split('.')[0] == 'tensorflow':\n"
          "      raise ModuleNotFoundError(name)\n"
          "sys.meta_path.insert(0, Hide())\n"
          "from rnnlab.data.speech import sources\n"
          f"u = sources.load_utterances('files', 'dev-clean', path={root!r})\n"
          "assert [x.text for x in u] == ['the sun is bright', 'call anna tomorrow'], u\n"
          "print('ok')\n")
  out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                           os.path.dirname(os.path.abspath(__file__))))))
  assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
  assert "tensorflow" not in out.stderr.lower()
