"""Models from a run's config: what tasks and CLIs call to (re)build a model.

Each builder reads only the ``model`` section (and, for speech, the front-end keys of
``data``) plus sizes known from the data (vocabularies), so a CLI rebuilds the model of a
run from its ``config.json`` and saved tokenizers without importing a task module:

* :func:`build_recurrent_model`: adding, copy, sequential digits;
* :func:`build_language_model`: ``language_model`` (vocabulary size from ``vocab.json``);
* :func:`build_seq2seq`: ``translation`` (sizes from the saved source/target tokenizers);
* :func:`build_speech_recognizer`: ``ctc_speech`` (front end + CTC encoder, or Listen,
  Attend and Spell over it: ``model.architecture``);
* :func:`build_text_classifier`: ``classification`` and ``listops`` with
  ``model.encoder="sequence"``; :func:`build_tree_classifier`: ``listops`` with
  ``model.encoder="tree"``;
* ``rnnlab.models.captioner.from_config``: ``captioning``.

Cells come from ``model.cell`` and its section (:mod:`rnnlab.models.cell_config`), in
``model.dtype``.
"""
import ml_collections

from rnnlab import features
from rnnlab import trees
from rnnlab.data.speech import alphabet as alphabet_lib
from rnnlab.models import cell_config
from rnnlab.models import attention_decoder
from rnnlab.models import classifier
from rnnlab.models import ctc
from rnnlab.models import language_model
from rnnlab.models import las
from rnnlab.models import recurrent_model
from rnnlab.models import seq2seq

SPEECH_SAMPLE_RATE = 16_000  # Hz; every rnnlab speech source is resampled to it
SPEECH_ALPHABET = alphabet_lib.Alphabet()
# ctc: the CTC model; las: Listen, Attend and Spell over its encoder; joint: LAS + CTC head.
SPEECH_ARCHITECTURES = ("ctc", "las", "joint")


def build_recurrent_model(model_config: ml_collections.ConfigDict, *, num_outputs: int,
                          read_out: str) -> recurrent_model.RecurrentModel:
  """The synthetic tasks' :class:`RecurrentModel`; ValueError for a bad ``read_out``."""
  if read_out not in recurrent_model.READ_OUTS:
    raise ValueError(f"read_out={read_out!r}; allowed: {recurrent_model.READ_OUTS}")
  m = model_config
  return recurrent_model.RecurrentModel(
      cells=cell_config.make_cells(m), num_outputs=num_outputs, read_out=read_out,
      dropout_rate=m.dropout_rate, block=m.block, unroll=m.unroll, remat=m.remat,
      impl=m.impl, dtype=cell_config.compute_dtype(m))


def build_language_model(model_config: ml_collections.ConfigDict, vocab_size: int
                         ) -> language_model.LanguageModel:
  """The :class:`LanguageModel` of ``config.model`` for a vocabulary of ``vocab_size``."""
  m = model_config
  return language_model.LanguageModel(
      vocab_size=vocab_size, cells=cell_config.make_cells(m), embed_size=m.embed_size,
      dropout_rate=m.dropout_rate, variational_dropout=m.variational_dropout,
      tie_weights=m.tie_weights, loss_reduction=m.loss_reduction, unroll=m.unroll,
      remat=m.remat, impl=m.impl, block=m.block, dtype=cell_config.compute_dtype(m))


def seq2seq_cells(model_config: ml_collections.ConfigDict) -> tuple[str, str]:
  """``(encoder cell, decoder cell)``: ``model.encoder_cell`` / ``decoder_cell`` or ``model.cell``."""
  m = model_config
  return m.encoder_cell or m.cell, m.decoder_cell or m.cell


def _hashable(hparams: dict) -> tuple:
  return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in hparams.items()))


def build_seq2seq(model_config: ml_collections.ConfigDict, source_vocab_size: int,
                  target_vocab_size: int) -> seq2seq.Seq2Seq:
  """The translation :class:`Seq2Seq`; each side's cell gets its own section's hyperparameters."""
  m = model_config
  encoder_cell, decoder_cell = seq2seq_cells(m)
  return seq2seq.Seq2Seq(
      source_vocab_size=source_vocab_size, target_vocab_size=target_vocab_size,
      embed_size=m.embed_size, encoder_cell=encoder_cell,
      encoder_hidden_size=m.encoder_hidden_size, encoder_layers=m.encoder_layers,
      bidirectional=m.bidirectional, decoder_cell=decoder_cell,
      decoder_hidden_size=m.decoder_hidden_size, attention=m.attention,
      attention_size=m.attention_size, input_feeding=m.input_feeding,
      dropout_rate=m.dropout_rate,
      encoder_cell_kwargs=_hashable(cell_config.cell_hparams(m, encoder_cell)),
      decoder_cell_kwargs=_hashable(cell_config.cell_hparams(m, decoder_cell)),
      block=m.block, dtype=cell_config.compute_dtype(m))


def filterbank_config(data_config: ml_collections.ConfigDict) -> features.FilterbankConfig:
  """The log-mel front end of a speech run's ``data`` section."""
  d = data_config
  return features.FilterbankConfig(
      sample_rate=SPEECH_SAMPLE_RATE, num_mels=d.num_mels, frame_length_ms=d.frame_length_ms,
      frame_step_ms=d.frame_step_ms, preemphasis=d.preemphasis, delta_order=d.delta_order)


def speech_architecture(model_config: ml_collections.ConfigDict) -> str:
  """``model.architecture`` of a speech run; runs saved before LAS existed are ``"ctc"``."""
  architecture = model_config.get("architecture", "ctc")
  if architecture not in SPEECH_ARCHITECTURES:
    raise ValueError(f"model.architecture={architecture!r}; allowed: {SPEECH_ARCHITECTURES}")
  return architecture


def build_speech_recognizer(config: ml_collections.ConfigDict) -> ctc.SpeechRecognizer:
  """Front end (``config.data``) + acoustic model (``config.model``): audio in.

  ``model.architecture``: ``ctc`` -> the CTC encoder (logits out); ``las`` / ``joint`` ->
  :class:`rnnlab.models.las.ListenAttendSpell` with that encoder as listener and a speller
  of one ``model.cell`` cell of ``model.decoder_hidden_size`` units (``joint``: with the
  CTC head, weight ``model.ctc_weight``).
  """
  m, d = config.model, config.data
  architecture = speech_architecture(m)
  encoder = ctc.CTCModel(
      cells=cell_config.make_cells(m), num_classes=SPEECH_ALPHABET.vocab_size,
      bidirectional=m.bidirectional, reduction_factors=tuple(m.reduction_factors),
      dropout_rate=m.dropout_rate, block=m.block, unroll=m.unroll, remat=m.remat,
      impl=m.impl, dtype=cell_config.compute_dtype(m))
  if architecture != "ctc":
    decoder_cell = cell_config.make_cells(m, hidden_size=m.decoder_hidden_size, num_layers=1)[0]
    speller = attention_decoder.AttentionDecoder(
        vocab_size=SPEECH_ALPHABET.vocab_size, cell=decoder_cell,
        memory_size=m.hidden_size * (2 if m.bidirectional else 1), embed_size=m.embed_size,
        attention=m.attention, attention_size=m.attention_size, dropout_rate=m.dropout_rate,
        dtype=cell_config.compute_dtype(m))
    encoder = las.ListenAttendSpell(
        listener=encoder, speller=speller, boundary_id=SPEECH_ALPHABET.blank_id,
        ctc_weight=m.ctc_weight if architecture == "joint" else 0.0)
  augment = None
  if d.spec_augment:
    augment = features.SpecAugmentConfig(
        num_freq_masks=d.num_freq_masks, freq_mask_width=d.freq_mask_width,
        num_time_masks=d.num_time_masks, time_mask_width=d.time_mask_width,
        time_mask_max_fraction=d.time_mask_max_fraction)
  return ctc.SpeechRecognizer(filterbank=filterbank_config(d), encoder=encoder,
                              frame_stacking=d.frame_stacking, spec_augment=augment)


def build_text_classifier(model_config: ml_collections.ConfigDict, *, vocab_size: int,
                          num_classes: int) -> classifier.TextClassifier:
  """The :class:`TextClassifier` of ``config.model`` (``embed_size``, ``bidirectional``,
  ``pooling``, ``attention_size`` besides the shared keys)."""
  m = model_config
  return classifier.TextClassifier(
      vocab_size=vocab_size, num_classes=num_classes, cells=cell_config.make_cells(m),
      embed_size=m.embed_size, bidirectional=m.bidirectional, pooling=m.pooling,
      attention_size=m.attention_size, dropout_rate=m.dropout_rate, block=m.block,
      unroll=m.unroll, remat=m.remat, impl=m.impl, dtype=cell_config.compute_dtype(m))


def build_tree_classifier(model_config: ml_collections.ConfigDict, *, vocab_size: int,
                          num_classes: int) -> classifier.TreeClassifier:
  """The binary Tree-LSTM :class:`TreeClassifier` (``model.hidden_size``, ``model.embed_size``;
  ``model.dtype`` is the compute dtype of the embedding, the tree network and the output
  layer, its state float32)."""
  m = model_config
  dtype = cell_config.compute_dtype(m)
  return classifier.TreeClassifier(
      network=trees.NaryTreeLSTM(hidden_size=m.hidden_size, dtype=dtype), vocab_size=vocab_size,
      num_classes=num_classes, embed_size=m.embed_size, dtype=dtype)
