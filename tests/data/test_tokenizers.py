"""Tokenizer factory: build by kind, save in a run dir, reload the same ids."""
import pytest

from rnnlab.data import char_tokenizer
from rnnlab.data import tokenizers
from rnnlab.data import word_tokenizer

TEXT = "a rose is a rose\nis a rose\n"


@pytest.mark.parametrize("kind, cls", [("char", char_tokenizer.CharTokenizer),
                                       ("word", word_tokenizer.WordTokenizer)])
def test_save_and_reload_gives_same_ids(tmp_path, kind, cls):
  tok = tokenizers.build_tokenizer(kind, TEXT)
  assert isinstance(tok, cls)
  tokenizers.save_tokenizer(tok, str(tmp_path))
  reloaded = tokenizers.load_tokenizer(str(tmp_path))
  assert isinstance(reloaded, cls)
  assert reloaded.encode(TEXT).tolist() == tok.encode(TEXT).tolist()
  assert reloaded.decode(reloaded.encode(TEXT)) == TEXT


def test_bad_kind_and_options_raise():
  with pytest.raises(ValueError, match="Unknown tokenizer kind 'bpe'"):
    tokenizers.build_tokenizer("bpe", TEXT)
  with pytest.raises(ValueError, match="word vocabularies only"):
    tokenizers.build_tokenizer("char", TEXT, max_size=10)
