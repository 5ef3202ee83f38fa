"""The embedded open-vocabulary set rnnlab_prose_speech (tiny config) and its Flite split."""
import numpy as np
import pytest

from rnnlab.data.speech import embedded
from rnnlab.data.speech import flite
from rnnlab.data.speech import prose_speech
from rnnlab.data.speech import sources

# The builder tests are slow: they build the LM corpus and synthesise speech (~30 s).


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  return str(tmp_path_factory.mktemp("tfds"))


def _examples(split, data_dir):
  source = prose_speech.load(split, config="tiny", data_dir=data_dir)
  return [source[i] for i in range(len(source))]


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_audio_serialises_at_two_bytes_per_sample():
  # What TFDS buffers in memory while writing a split: the default int64-list encoding of
  # an int16 tensor takes ~5 bytes per noisy sample (10 per negative one) and pushed the
  # default train split past TFDS's 1 GB shuffle buffer, whose spill needs TensorFlow.
  audio = np.random.default_rng(0).integers(-3000, 3000, 16000).astype(np.int16)
  serialized = prose_speech.features().serialize_example(
      {"audio": audio, "text": "a b", "voice": "en", "rate": 150})
  assert len(serialized) < 2 * audio.size + 200
