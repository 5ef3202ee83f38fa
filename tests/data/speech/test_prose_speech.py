"""The embedded open-vocabulary set rnnlab_prose_speech (tiny config) and its Flite split."""
import numpy as np
import pytest

from rnnlab.data.speech import embedded
from rnnlab.data.speech import flite
from rnnlab.data.speech import prose_speech
from rnnlab.data.speech import sources

pytestmark = pytest.mark.slow  # builds the LM corpus and synthesises speech: ~30 s


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  return str(tmp_path_factory.mktemp("tfds"))


def _examples(split, data_dir):
  source = prose_speech.load(split, config="tiny", data_dir=data_dir)
  return [source[i] for i in range(len(source))]


def test_splits_unseen_sentences_and_voices(data_dir):
  texts = {}
  for split, size in (("train", 12), ("validation", 4), ("test", 4)):
    examples = _examples(split, data_dir)
    assert len(examples) == size
    for ex in examples:
      assert ex["audio"].dtype == np.int16 and ex["audio"].shape[0] > 16000
      text = ex["text"].decode()
      assert len(text.split()) >= 4 and sources.alphabet.normalize_transcript(text) == text
    texts[split] = {ex["text"].decode() for ex in examples}
    voices = {ex["voice"].decode() for ex in examples}
    if split == "test":
      assert voices <= set(embedded.TEST_VOICES)
      assert {int(ex["rate"]) for ex in examples} == {embedded.TEST_RATE}
    else:
      assert not voices & set(embedded.TEST_VOICES)
  assert not texts["train"] & texts["test"] and not texts["train"] & texts["validation"]
  assert not texts["validation"] & texts["test"]
  # The sentences are the corpus's, drawn per split: the validation ones come from its
  # valid documents, which the train sentences never use.
  corpus_sentences = prose_speech.split_sentences(data_dir, prose_speech._CONFIGS[1])
  assert {s: set(v) for s, v in corpus_sentences.items()} == texts


@pytest.mark.skipif(not flite.available(), reason="needs the flite program (apt-get install "
                                                  "flite)")
def test_flite_split_reads_the_test_sentences_with_flite_voices(data_dir):
  espeak_test = _examples("test", data_dir)
  flite_test = sources.load_utterances(prose_speech.NAME, "test_flite", data_dir=data_dir,
                                       config="tiny")
  assert [u.text for u in flite_test] == [ex["text"].decode() for ex in espeak_test]
  voices = {ex["voice"].decode().split("@")[0] for ex in _examples("test_flite", data_dir)}
  assert voices <= {f"flite:{v}" for v in flite.VOICES}
  assert all(u.audio.shape[0] > 16000 and np.abs(u.audio).max() > 1000 for u in flite_test)


def test_bad_split_and_config():
  with pytest.raises(ValueError, match="Unknown split 'dev'"):
    prose_speech.load("dev")
  with pytest.raises(ValueError, match="Unknown rnnlab_prose_speech config 'huge'"):
    prose_speech.prepare(config="huge")
  with pytest.raises(ValueError, match="Unknown engine 'festival'"):
    prose_speech.prepare(engine="festival")
