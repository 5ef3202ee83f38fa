import numpy as np
import pytest

from rnnlab.data.translation import grammar, tokenizers

SENTENCES = [grammar.sample_sentence(np.random.default_rng(i)) for i in range(50)]


def test_split_pieces_marks_spaces_and_round_trips():
  pieces = tokenizers.split_pieces("forty-two cats.")
  assert pieces == ["\u2581forty", "-", "two", "\u2581cats", "."]
  for en, fr in SENTENCES:
    assert tokenizers.join_pieces(tokenizers.split_pieces(fr)) == fr


def test_word_tokenizer_round_trip_specials_and_unknowns(tmp_path):
  tok = tokenizers.WordTokenizer.build(fr for _, fr in SENTENCES)
  assert tok.pieces[:4] == ["<pad>", "<s>", "</s>", "<unk>"]
  for _, fr in SENTENCES:
    ids = tok.encode(fr)
    assert min(ids) >= 4
    assert tok.decode(ids + [tokenizers.EOS_ID, 7, 8]) == fr
  assert tok.unknown_pieces("J'ai vu zorglub.") == ["zorglub"]
  assert tok.encode("zorglub") == [tokenizers.UNK_ID]
  path = str(tmp_path / "tok.json")
  tok.save(path)
  assert tokenizers.load_tokenizer(path).pieces == tok.pieces
  with pytest.raises(ValueError, match="outside the vocabulary"):
    tok.decode([10_000])


def test_word_tokenizer_max_size_keeps_most_frequent():
  tok = tokenizers.WordTokenizer.build(["a a a b b c"], max_size=6)
  assert tok.pieces[4:] == ["\u2581a", "\u2581b"]
  with pytest.raises(ValueError, match="max_size"):
    tokenizers.WordTokenizer.build(["a"], max_size=4)


def test_subword_tokenizer_round_trip(tmp_path):
  texts = [fr for _, fr in SENTENCES] * 4
  tok = tokenizers.build_tokenizer("subword", texts, vocab_size=120)
  for _, fr in SENTENCES[:10]:
    ids = tok.encode(fr)
    assert tokenizers.PAD_ID not in ids and tokenizers.BOS_ID not in ids
    assert tok.decode([tokenizers.BOS_ID] + ids + [tokenizers.EOS_ID, 9]) == fr
  path = str(tmp_path / "sub.json")
  tok.save(path)
  assert tokenizers.load_tokenizer(path).encode(SENTENCES[0][1]) == tok.encode(SENTENCES[0][1])


def test_bad_kinds_and_paths(tmp_path):
  with pytest.raises(ValueError, match="unknown tokenizer kind 'char'"):
    tokenizers.build_tokenizer("char", ["a"], None)
  with pytest.raises(ValueError, match="no tokenizer file"):
    tokenizers.load_tokenizer(str(tmp_path / "missing.json"))
