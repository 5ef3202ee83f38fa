"""Translation task: config checks, data/batches, a tiny run, the translate CLI and the plots."""
import importlib.util
import json
import os

import jax
import numpy as np
import pytest

from rnnlab import training
from rnnlab import translate
from rnnlab.analysis import attention_plots
from rnnlab.data import translation as data_lib
from rnnlab.tasks import get_task
from rnnlab.tasks import translation
from tests.tasks import few_steps


def _debug_config(data_dir):
  spec = importlib.util.spec_from_file_location(
      "translation_default",
      os.path.join(os.path.dirname(__file__), "../../configs/translation/default.py"))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  config = module.get_config("debug")
  config.data.data_dir = data_dir
  config.data.bucket_boundaries = (72,)  # one shape: one compilation per program
  return config


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  return str(tmp_path_factory.mktemp("tfds"))


def test_registered_and_config_validation(data_dir):
  task = get_task("translation")
  config = _debug_config(data_dir)
  task.validate_config(config)
  config.model.attention = "dot"  # debug: encoder 2 x 8 = 16 = decoder: valid
  task.validate_config(config)
  config.model.decoder_hidden_size = 12
  with pytest.raises(ValueError, match="attention='dot' needs decoder_hidden_size"):
    task.validate_config(config)
  config = _debug_config(data_dir)
  config.data.bucket_boundaries = (16, 32)
  with pytest.raises(ValueError, match="bucket_boundaries end at 32"):
    task.validate_config(config)
  config = _debug_config(data_dir)
  config.data.tokenizer = "subword"
  with pytest.raises(ValueError, match="needs source_vocab_size"):
    task.validate_config(config)


def test_batches_and_steps_per_epoch(data_dir):
  config = _debug_config(data_dir)
  task = get_task("translation")
  iterator = task.train_iterator(config, batch_size=8)
  first = next(iterator)
  assert first["source"].shape == (8, 72) and first["target_input"].shape == (8, 72)
  state = iterator.get_state()
  second = next(iterator)
  iterator.set_state(state)
  np.testing.assert_array_equal(next(iterator)["index"], second["index"])
  assert task.steps_per_epoch(config) == 300 // 8
  eval_rows = sum(int(b["weight"].sum()) for b in task.eval_batches(config, batch_size=8))
  assert eval_rows == 16  # max_eval_examples


@pytest.fixture(scope="module")
def trained(data_dir, tmp_path_factory):
  config = _debug_config(data_dir)
  workdir = str(tmp_path_factory.mktemp("run"))
  result = training.train_and_evaluate(config, workdir)
  return config, workdir, result


@pytest.mark.slow
def test_tiny_run_reports_bleu_and_writes_outputs(trained):
  config, workdir, result = trained
  final = result["final"]
  for split in ("validation", "test"):
    for method in ("greedy", "beam"):
      assert 0.0 <= final[f"{split}_{method}_bleu"] <= 100.0
      assert 0.0 <= final[f"{split}_{method}_exact_match"] <= 1.0
  assert {"loss", "token_accuracy", "exact_match", "perplexity"} <= set(result["eval"])
  with open(os.path.join(workdir, "translations_test.tsv"), encoding="utf-8") as f:
    lines = f.read().splitlines()
  assert lines[0].split("\t") == ["source_tokens", "source", "reference", "greedy", "beam"]
  assert len(lines) == 1 + config.data.max_test_examples
  with open(os.path.join(workdir, "bleu_by_length_test.json")) as f:
    by_length = json.load(f)
  assert sum(r["count"] for r in by_length["beam"]) == config.data.max_test_examples
  # the tokenizers the run saved are the ones the config builds; another vocabulary is refused
  other = _debug_config(config.data.data_dir)
  other.data.max_train_examples = 20
  with pytest.raises(ValueError, match="holds a different tokenizer"):
    get_task("translation").prepare_workdir(other, workdir)


@pytest.mark.slow
def test_translate_cli_and_bad_input(trained):
  config, workdir, _ = trained
  translator = translate.load_trained(workdir)
  result = translate.translate_one(translator, "He saw one key.", beam=2)
  assert isinstance(result.text, str)
  assert result.weights.shape == (len(result.output_ids), 5)  # He saw one key .
  np.testing.assert_allclose(result.weights.sum(-1), 1.0, rtol=1e-5, atol=1e-5)
  greedy = translate.translate_one(translator, "He saw one key.", beam=1)
  assert greedy.output_ids.shape[0] <= config.data.max_target_length
  with pytest.raises(ValueError, match="empty"):
    translate.translate_one(translator, "   ")
  with pytest.raises(ValueError, match="not in the model's source vocabulary: 'zorglub'"):
    translate.translate_one(translator, "He saw zorglub.")
  long_text = " ".join(["one"] * (config.data.max_source_length + 1))
  with pytest.raises(ValueError, match=f"accepts at most {config.data.max_source_length}"):
    translate.translate_one(translator, long_text)
  with pytest.raises(ValueError, match="beam=0"):
    translate.translate_one(translator, "He saw one key.", beam=0)


def test_translate_refuses_workdirs_without_a_model(tmp_path):
  with pytest.raises(ValueError, match="no config.json"):
    translate.load_trained(str(tmp_path))
  (tmp_path / "config.json").write_text(json.dumps({"task": "language_model"}))
  with pytest.raises(ValueError, match="'language_model' run"):
    translate.load_trained(str(tmp_path))
  (tmp_path / "config.json").write_text(json.dumps({"task": "translation"}))
  tok = data_lib.WordTokenizer.build(["a b"])
  tok.save(str(tmp_path / translation.SOURCE_TOKENIZER_FILE))
  tok.save(str(tmp_path / translation.TARGET_TOKENIZER_FILE))
  with pytest.raises(ValueError, match="no checkpoint"):
    translate.load_trained(str(tmp_path))


@pytest.mark.slow
def test_plots_from_the_run_dir(trained, tmp_path):
  _, workdir, _ = trained
  out = str(tmp_path)
  path = attention_plots.plot_bleu_vs_length([workdir], "test", os.path.join(out, "b.png"))
  assert os.path.getsize(path) > 1000
  rows = attention_plots.default_rows(attention_plots.read_translations(workdir, "test"), 2)
  paths = attention_plots.attention_maps(workdir, "test", rows, out)
  assert len(paths) == len(rows) and all(os.path.getsize(p) > 1000 for p in paths)
  with pytest.raises(ValueError, match="do not match"):
    attention_plots.plot_attention(np.zeros((2, 3)), ["a"], ["b", "c"], os.path.join(out, "x.png"))


def test_public_dataset_with_subword_tokenizer_under_mock_data(monkeypatch, tmp_path):
  import tensorflow_datasets as tfds  # pylint: disable=import-outside-toplevel
  config = _debug_config(str(tmp_path))
  config.data.dataset = "ted_hrlr_translate/pt_to_en"
  config.data.tokenizer = "subword"
  config.data.source_vocab_size = config.data.target_vocab_size = 30
  config.data.max_train_examples = 0
  get_task("translation").validate_config(config)
  with tfds.testing.mock_data(num_examples=24):
    monkeypatch.setattr(tfds.core.DatasetBuilder, "is_prepared", lambda self: True)
    data = data_lib.TranslationData(config.data)
    assert data.source_tokenizer.kind == "subword"
    encoded = data.encoded("train")
    pairs = data.pairs("train")
    assert len(encoded) > 0
    first = int(encoded.indices[0])
    assert data.source_tokenizer.decode(encoded.sources[0]) == " ".join(pairs[first][0].split())


def test_default_dataset_is_the_catalog_corpus():
  assert translation.default_data_config().dataset == data_lib.CATALOGS_CORPUS


def _write_parallel_files(folder):
  words = ["red", "green", "blue", "small", "big", "old", "new", "cat", "dog", "house", "car"]
  french = dict(zip(words, ["rouge", "vert", "bleu", "petit", "grand", "vieux", "neuf", "chat",
                            "chien", "maison", "voiture"]))
  rng = np.random.default_rng(0)
  for prefix, count in (("train", 40), ("valid", 4), ("test", 4)):
    lines = [list(rng.choice(words, size=3)) for _ in range(count)]
    if prefix == "test":
      lines[0].append("zebra")  # only in the test split
    (folder / f"{prefix}.en").write_text("\n".join(" ".join(l) for l in lines) + "\n")
    (folder / f"{prefix}.fr").write_text(
        "\n".join(" ".join(french.get(w, w) for w in l) for l in lines) + "\n")
  return str(folder)


@pytest.mark.parametrize("tokenizer", ["word", "subword"])
def test_own_parallel_files_tokenizers_from_train_saved_in_workdir(tmp_path, tokenizer):
  config = _debug_config(str(tmp_path / "tfds"))
  config.data.dataset = "files"
  config.data.path = _write_parallel_files(tmp_path)
  config.data.source_lang, config.data.target_lang = "en", "fr"
  config.data.max_eval_examples = config.data.max_test_examples = 0
  config.data.tokenizer = tokenizer
  if tokenizer == "subword":
    config.data.source_vocab_size = config.data.target_vocab_size = 40
  task = get_task("translation")
  task.validate_config(config)
  data = data_lib.load_translation_data(config.data)
  assert [len(data.pairs(s)) for s in ("train", "validation", "test")] == [40, 4, 4]
  assert data.source_tokenizer.kind == tokenizer
  if tokenizer == "word":  # trained on the train split: a test-only word is unknown
    assert data.source_tokenizer.unknown_pieces(data.pairs("test")[0][0]) == ["zebra"]
  workdir = tmp_path / "run"
  workdir.mkdir()
  task.prepare_workdir(config, str(workdir))
  for name in (translation.SOURCE_TOKENIZER_FILE, translation.TARGET_TOKENIZER_FILE):
    saved = data_lib.load_tokenizer(str(workdir / name))
    assert saved.kind == tokenizer
  saved = data_lib.load_tokenizer(str(workdir / translation.SOURCE_TOKENIZER_FILE))
  text = data.pairs("train")[0][0]
  assert saved.encode(text) == data.source_tokenizer.encode(text)
  assert task.train_iterator(config, batch_size=8) is not None
  config.data.target_lang = ""
  with pytest.raises(ValueError, match="needs data.source_lang and data.target_lang"):
    data_lib.TranslationData(config.data)


@pytest.mark.slow  # compiles the seq2seq train step
def test_cell_sections_and_bfloat16_reach_encoder_and_decoder(data_dir, key):
  task = get_task("translation")
  config = _debug_config(data_dir)
  config.model.lstm.peephole = True
  config.model.dtype = "bfloat16"
  task.validate_config(config)
  model = task.build_model(config)
  batch = next(task.train_iterator(config, batch_size=8))
  shapes = jax.eval_shape(lambda k: task.init_params(model, config, batch, key=k), key)
  assert "p_i" in shapes["decoder_cell"]
  assert "p_i" in shapes["encoder"]["layer_0"]["forward"]
  few_steps.train_a_few_steps(task, config)
  config.model.cell = "gru"  # model.cell sets both sides
  shapes = jax.eval_shape(lambda k: task.init_params(task.build_model(config), config, batch,
                                                     key=k), key)
  assert shapes["decoder_cell"]["b_h"].shape == (3 * config.model.decoder_hidden_size,)
  assert "b_h" in shapes["encoder"]["layer_0"]["forward"]
