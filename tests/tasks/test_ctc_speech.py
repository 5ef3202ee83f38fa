"""CTC speech task: config checks, CTC feasibility, a tiny run, transcribe CLI."""
import csv
import importlib.util
import json
import os
import subprocess
import sys

import jax
import numpy as np
import pytest
import scipy.io.wavfile

from rnnlab import training
from rnnlab import transcribe
from rnnlab.data.speech import embedded
from rnnlab.data.speech import wav_io
from rnnlab.models import builders
from rnnlab.models import speech_data
from rnnlab.models import speech_decoding
from rnnlab.tasks import ctc_speech
from rnnlab.tasks import get_task
from tests.tasks import few_steps

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _config_module():
  spec = importlib.util.spec_from_file_location(
      "speech_default", os.path.join(os.path.dirname(__file__), "../../configs/speech/default.py"))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def _debug_config(data_dir):
  config = _config_module().get_config("debug")
  config.data.data_dir = data_dir
  return config


def test_default_config_is_the_prose_set_and_the_templates_stay_by_name():
  module = _config_module()
  task = get_task("ctc_speech")
  default, templates = module.get_config(), module.get_config("templates")
  assert default.data.dataset == "rnnlab_prose_speech"
  assert templates.data.dataset == "rnnlab_speech"
  assert module.get_config("debug").data.dataset == "rnnlab_speech"
  # Only the data set differs between the default and the template variant.
  templates.data.dataset = default.data.dataset
  assert templates.to_dict() == default.to_dict()
  task.validate_config(default)
  default.data.test_split = "test_flite"  # the unseen-engine split is a split of the default
  task.validate_config(default)
  with pytest.raises(ValueError, match=r"unknown variant 'prose' of configs/speech/default.py; "
                                       r"allowed: 'templates', 'debug'"):
    module.get_config("prose")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
  path = str(tmp_path_factory.mktemp("tfds"))
  embedded.prepare(path, config="tiny")
  return path


def test_registered_and_config_validation(data_dir):
  task = get_task("ctc_speech")
  config = _debug_config(data_dir)
  task.validate_config(config)
  config.model.reduction_factors = (2, 2)  # debug has 1 layer
  with pytest.raises(ValueError, match="reduction_factors must be"):
    task.validate_config(config)
  config = _debug_config(data_dir)
  config.data.delta_order = 3
  with pytest.raises(ValueError, match="delta_order"):
    task.validate_config(config)


def test_labels_longer_than_ctc_allows_are_rejected_or_dropped(data_dir):
  config = _debug_config(data_dir)
  audios, labels, texts = speech_data.load_split(config, "validation")
  assert len(audios) == 4 and all(ctc_speech.ALPHABET.decode(l) == t
                                  for l, t in zip(labels, texts))
  config.data.frame_stacking = 25  # 10 ms -> 250 ms per CTC frame: far too few frames
  with pytest.raises(ValueError, match="needs at least .* CTC frames"):
    speech_data.load_split(config, "validation")
  config.data.drop_infeasible = True
  with pytest.raises(ValueError, match="all 4 rnnlab_speech/validation utterances"):
    speech_data.load_split(config, "validation")


def test_encoder_frames_match_the_model(data_dir, key):
  config = _debug_config(data_dir)
  config.model.cell = "elman"
  config.model.reduction_factors = (2,)
  task = get_task("ctc_speech")
  model = task.build_model(config)
  batch = {"audio": np.zeros((2, 16000), np.int16), "num_samples": np.array([16000, 5000])}
  params = jax.jit(lambda b, k: task.init_params(model, config, b, key=k))(batch, key)
  _, lengths = jax.jit(model.apply)({"params": params}, batch["audio"], batch["num_samples"])
  np.testing.assert_array_equal(lengths, speech_data.encoder_frames(config, [16000, 5000]))


@pytest.mark.slow
def test_tiny_run_reports_cer_wer_and_transcribe_cli(data_dir, tmp_path):
  config = _debug_config(data_dir)
  workdir = str(tmp_path / "run")
  result = training.train_and_evaluate(config, workdir)
  final = result["final"]
  for split in ("validation", "test"):
    for method in ("ctc_greedy", "ctc_beam", "ctc_beam_lm"):
      for metric in ("cer", "wer"):
        assert np.isfinite(final[f"{split}_{method}_{metric}"])
  # The in-jit eval CER (edit distances on device) equals jiwer's on the same outputs.
  assert result["eval"]["cer"] == pytest.approx(final["validation_ctc_greedy_cer"], abs=1e-9)
  with open(os.path.join(workdir, "transcripts_test.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
  assert len(rows) == 4 and set(rows[0]) == {"reference", "ctc_greedy", "ctc_beam", "ctc_beam_lm"}
  # transcribe reproduces the run's own decoding of a test utterance.
  source = embedded.load("test", config="tiny", data_dir=data_dir)
  wav = str(tmp_path / "utt.wav")
  wav_io.write_wav(wav, source[0]["audio"], 16000)
  assert transcribe.transcribe([wav], workdir, "ctc_greedy") == [rows[0]["ctc_greedy"]]
  # Scoring a split from the CLI's code path gives the run's own numbers.
  scored = transcribe.score_split("test", workdir)
  for name, value in scored.items():
    assert value == pytest.approx(final[name], abs=1e-9)
  no_lm = transcribe.score_split("test", workdir, lm="none")
  assert set(no_lm) == {f"test_{m}_{x}" for m in ("ctc_greedy", "ctc_beam") for x in ("cer", "wer")}
  # Bad input: stereo and empty files fail with clear messages.
  stereo = str(tmp_path / "stereo.wav")
  scipy.io.wavfile.write(stereo, 16000, np.zeros((1000, 2), np.int16))
  with pytest.raises(ValueError, match="2 channels"):
    transcribe.transcribe([stereo], workdir)
  empty = tmp_path / "empty.wav"
  empty.write_bytes(b"")
  with pytest.raises(ValueError, match="empty"):
    transcribe.transcribe([str(empty)], workdir)


def test_transcribe_needs_a_trained_speech_run(tmp_path):
  with pytest.raises(ValueError, match="no config.json"):
    transcribe.load_trained(str(tmp_path))
  (tmp_path / "config.json").write_text(json.dumps({"task": "adding"}))
  with pytest.raises(ValueError, match="'adding' run"):
    transcribe.load_trained(str(tmp_path))


def _files_config(root):
  config = _debug_config("")
  config.data.dataset = "files"
  config.data.path = root
  config.data.train_split = "train-clean-100"
  config.data.eval_split = "dev-clean"
  config.data.test_split = "test-clean"
  config.data.skip_unreadable = True
  return config


@pytest.fixture(scope="module")
def librispeech_root(tmp_path_factory):
  from tests.data.speech import librispeech_layout  # pylint: disable=import-outside-toplevel
  return librispeech_layout.make(str(tmp_path_factory.mktemp("librispeech")))


def test_files_dataset_config_is_checked_before_loading(librispeech_root, tmp_path):
  task = get_task("ctc_speech")
  task.validate_config(_files_config(librispeech_root))
  config = _files_config(str(tmp_path / "nowhere"))
  with pytest.raises(ValueError, match="config.data.path must be a LibriSpeech-layout"):
    task.validate_config(config)
  config = _files_config(librispeech_root)
  config.data.dataset = "rnnlab_speech"  # folder names are not splits of the embedded set
  with pytest.raises(ValueError, match=r"config.data.train_split: Unknown split "
                                       r"'train-clean-100' of 'rnnlab_speech'"):
    task.validate_config(config)


def test_files_splits_load_by_folder_name(librispeech_root):
  config = _files_config(librispeech_root)
  _, labels, texts = speech_data.load_split(config, "dev-clean")
  assert texts == ["the sun is bright", "call anna tomorrow"]
  assert [ctc_speech.ALPHABET.decode(l) for l in labels] == texts
  assert len(speech_data.load_split(config, "train-clean-100")[0]) == 6  # 1 corrupt skipped
  config.data.skip_unreadable = False
  with pytest.raises(ValueError, match=r"26-495-0001\.flac: not a readable audio file"):
    speech_data.load_split(config, "train-clean-100")


@pytest.mark.slow
def test_tiny_run_on_librispeech_layout_files(librispeech_root, tmp_path):
  config = _files_config(librispeech_root)
  config.train.num_steps = 2
  result = training.train_and_evaluate(config, str(tmp_path / "run"))
  final = result["final"]
  for split in ("dev-clean", "test-clean"):
    for method in ("ctc_greedy", "ctc_beam", "ctc_beam_lm"):
      assert np.isfinite(final[f"{split}_{method}_cer"])
  assert os.path.isfile(tmp_path / "run" / "transcripts_test-clean.tsv")


def test_prose_set_takes_its_flite_split_by_name():
  task = get_task("ctc_speech")
  config = _debug_config("")
  config.data.dataset = "rnnlab_prose_speech"
  config.data.test_split = "test_flite"  # the unseen-engine split
  task.validate_config(config)
  config.data.dataset = "rnnlab_speech"  # the template set has no Flite split
  with pytest.raises(ValueError, match=r"config.data.test_split: Unknown split 'test_flite' "
                                       r"of 'rnnlab_speech'; allowed: \('train', "):
    task.validate_config(config)


@pytest.mark.slow  # compiles the CTC train step
def test_bfloat16_trains_a_few_steps_and_cell_sections_apply(data_dir, key):
  task = get_task("ctc_speech")
  config = _debug_config(data_dir)
  config.model.dtype = "bfloat16"
  config.model.lstm.peephole = True
  task.validate_config(config)
  few_steps.train_a_few_steps(task, config)
  model = task.build_model(config)
  batch = {"audio": np.zeros((2, 16000), np.int16), "num_samples": np.array([16000, 5000])}
  shapes = jax.eval_shape(lambda k: task.init_params(model, config, batch, key=k), key)
  assert "p_i" in shapes["encoder"]["layer_0"]["forward"]


def _las_config(data_dir, architecture):
  config = _debug_config(data_dir)
  config.model.architecture = architecture
  config.model.decoder_hidden_size = 8
  config.model.embed_size = 4
  config.model.attention_size = 8
  return config


def test_architecture_config_is_checked(data_dir):
  task = get_task("ctc_speech")
  for architecture in builders.SPEECH_ARCHITECTURES:
    task.validate_config(_las_config(data_dir, architecture))
  config = _las_config(data_dir, "joint")
  config.model.ctc_weight = 0.0
  with pytest.raises(ValueError, match=r"config.model.ctc_weight must be in \(0, 1\) for "
                                       r"architecture 'joint' .* got 0.0"):
    task.validate_config(config)
  config = _las_config(data_dir, "las")
  config.model.decoding.ctc_weight = 1.5
  with pytest.raises(ValueError, match=r"config.model.decoding.ctc_weight must be in \[0, 1\]"):
    task.validate_config(config)
  config = _las_config(data_dir, "las")
  config.model.decoder_hidden_size = 0
  with pytest.raises(ValueError, match="config.model.decoder_hidden_size must be >= 1"):
    task.validate_config(config)


def test_decoders_of_each_architecture(data_dir):
  methods = {a: speech_decoding.decode_methods(_las_config(data_dir, a))
             for a in builders.SPEECH_ARCHITECTURES}
  assert methods == {
      "ctc": ("ctc_greedy", "ctc_beam", "ctc_beam_lm"),
      "las": ("attention_greedy", "attention_beam"),
      "joint": ("ctc_greedy", "ctc_beam", "ctc_beam_lm", "attention_greedy",
                "attention_beam", "joint_beam")}
  speech_decoding.check_decoder(_las_config(data_dir, "joint"), "joint_beam")
  with pytest.raises(ValueError, match="decoder 'ctc_beam' does not fit this run's "
                                       "model.architecture='las'; allowed: attention_greedy, "
                                       "attention_beam"):
    speech_decoding.check_decoder(_las_config(data_dir, "las"), "ctc_beam")
  with pytest.raises(ValueError, match="decoder 'joint_beam' does not fit .*'ctc'"):
    speech_decoding.check_decoder(_las_config(data_dir, "ctc"), "joint_beam")
  with pytest.raises(ValueError, match="unknown decoder 'beam'; allowed: ctc_greedy"):
    speech_decoding.check_decoder(_las_config(data_dir, "ctc"), "beam")


def _levenshtein(a: str, b: str) -> int:
  previous = list(range(len(b) + 1))
  for i, x in enumerate(a, 1):
    current = [i]
    for j, y in enumerate(b, 1):
      current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
    previous = current
  return previous[-1]


def _main(*args):
  return subprocess.run([sys.executable, "-m", *args], cwd=_REPO, capture_output=True,
                        text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["las", "joint"])
def test_tiny_las_and_joint_runs_through_main_and_transcribe_cli(architecture, data_dir,
                                                                 tmp_path):
  workdir = str(tmp_path / "run")
  result = _main("rnnlab.main", "--config=configs/speech/default.py:debug",
                 f"--workdir={workdir}", f"--config.data.data_dir={data_dir}",
                 f"--config.model.architecture={architecture}",
                 "--config.model.decoder_hidden_size=8", "--config.model.embed_size=4",
                 "--config.model.attention_size=8")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(os.path.join(workdir, "final_metrics.json")) as f:
    final = json.load(f)
  config = _las_config(data_dir, architecture)
  methods = speech_decoding.decode_methods(config)
  for split in ("validation", "test"):
    for method in methods:
      for metric in ("cer", "wer"):
        assert np.isfinite(final["final"][f"{split}_{method}_{metric}"])
  # The in-jit eval CER is greedy attention decoding's: the edit distances of the written
  # validation transcripts, counted here on the raw strings (jiwer strips the ends of each
  # hypothesis first, and an untrained speller often starts or ends with a space).
  with open(os.path.join(workdir, "transcripts_validation.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
  errors = sum(_levenshtein(r["reference"], r["attention_greedy"]) for r in rows)
  assert final["eval"]["cer"] == pytest.approx(
      errors / sum(len(r["reference"]) for r in rows), abs=1e-9)
  with open(os.path.join(workdir, "transcripts_test.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
  assert len(rows) == 4 and list(rows[0]) == ["reference", *methods]
  source = embedded.load("test", config="tiny", data_dir=data_dir)
  wav = str(tmp_path / "utt.wav")
  wav_io.write_wav(wav, source[0]["audio"], 16000)
  default = speech_decoding.DEFAULT_DECODER[architecture]
  assert transcribe.transcribe([wav], workdir) == [rows[0][default]]
  assert transcribe.transcribe([wav], workdir, "attention_greedy") == [rows[0]["attention_greedy"]]
  scored = transcribe.score_split("test", workdir)
  for name, value in scored.items():
    assert value == pytest.approx(final["final"][name], abs=1e-9)
  # The CLI: the run's decoder by default; a decoder the model cannot run is one line.
  cli = _main("rnnlab.transcribe", f"--workdir={workdir}", "--decoder=attention_beam", wav)
  assert cli.returncode == 0, cli.stderr[-3000:]
  assert cli.stdout == f"{wav}\t{rows[0]['attention_beam']}\n"
  if architecture == "las":
    bad = _main("rnnlab.transcribe", f"--workdir={workdir}", "--decoder=ctc_beam", wav)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines()[-1] == (
        "rnnlab.transcribe: decoder 'ctc_beam' does not fit this run's "
        "model.architecture='las'; allowed: attention_greedy, attention_beam")
