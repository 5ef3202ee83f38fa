"""Listen, Attend and Spell: teacher forcing == step by step, the joint loss at its ends,
teacher-forcing targets, beam search and joint CTC rescoring on a tiny model."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests.conftest import FLOAT32_TOL
from rnnlab import cells
from rnnlab import features
from rnnlab.models import attention_decoder
from rnnlab.models import ctc
from rnnlab.models import las

V = 5  # blank/boundary 0 + 4 characters


def _las(ctc_weight=0.0, attention="additive", bidirectional=True):
  listener = ctc.CTCModel(cells=(cells.LSTM(hidden_size=4), cells.GRU(hidden_size=4)),
                          num_classes=V, bidirectional=bidirectional, reduction_factors=(1, 2))
  speller = attention_decoder.AttentionDecoder(
      vocab_size=V, cell=cells.LSTM(hidden_size=6), memory_size=8 if bidirectional else 4,
      embed_size=4, attention=attention, attention_size=5)
  return las.ListenAttendSpell(listener=listener, speller=speller, ctc_weight=ctc_weight)


def _inputs(seed=0):
  rng = np.random.default_rng(seed)
  feats = jnp.asarray(rng.normal(size=(2, 9, 3)), jnp.float32)
  lengths = jnp.array([9, 5], jnp.int32)
  labels = jnp.array([[1, 2, 2, 0], [3, 4, 0, 0]], jnp.int32)
  label_lengths = jnp.array([3, 2], jnp.int32)
  return feats, lengths, labels, label_lengths


def test_teacher_forcing_targets():
  labels = jnp.array([[1, 2, 3], [4, 99, -7]], jnp.int32)  # padding holds junk
  target_input, targets, mask = las.teacher_forcing(labels, jnp.array([3, 1]), boundary_id=0)
  np.testing.assert_array_equal(target_input, [[0, 1, 2, 3], [0, 4, 0, 0]])
  np.testing.assert_array_equal(targets, [[1, 2, 3, 0], [4, 0, 0, 0]])
  np.testing.assert_array_equal(mask, [[1, 1, 1, 1], [1, 1, 0, 0]])


@pytest.mark.parametrize("attention", ["additive", "general"])
def test_teacher_forcing_equals_step_by_step_decoding(attention, key):
  model = _las(ctc_weight=0.5, attention=attention)
  feats, lengths, labels, label_lengths = _inputs()
  target_input, _, _ = las.teacher_forcing(labels, label_lengths, 0)
  params = model.init(key, feats, lengths, target_input)["params"]
  logits, weights, ctc_logits, out_lengths = model.apply({"params": params}, feats, lengths,
                                                         target_input)
  np.testing.assert_array_equal(out_lengths, [5, 3])  # ceil(T / 2)
  assert logits.shape == (2, 5, V) and weights.shape == (2, 5, 5) and ctc_logits.shape == (2, 5, V)
  static, carry, _, _ = model.apply({"params": params}, feats, lengths, method="encode")
  for t in range(target_input.shape[1]):
    log_probs, carry, w = model.apply({"params": params}, static, carry, target_input[:, t],
                                      method="decode_step")
    np.testing.assert_allclose(log_probs, jax.nn.log_softmax(logits[:, t]), **FLOAT32_TOL)
    np.testing.assert_allclose(w, weights[:, t], **FLOAT32_TOL)
  # Attention never reaches the second utterance's padded frames.
  assert float(jnp.abs(weights[1, :, 3:]).max()) == 0.0


def test_padded_batch_equals_one_at_a_time(key):
  model = _las()
  feats, lengths, labels, label_lengths = _inputs(1)
  target_input, _, _ = las.teacher_forcing(labels, label_lengths, 0)
  params = model.init(key, feats, lengths, target_input)["params"]
  batched = model.apply({"params": params}, feats, lengths, target_input)[0]
  alone = model.apply({"params": params}, feats[1:, :5], lengths[1:], target_input[1:])[0]
  np.testing.assert_allclose(batched[1:], alone, **FLOAT32_TOL)


def test_pure_las_has_no_ctc_head(key):
  model = _las(ctc_weight=0.0)
  feats, lengths, labels, label_lengths = _inputs()
  target_input, _, _ = las.teacher_forcing(labels, label_lengths, 0)
  params = model.init(key, feats, lengths, target_input)["params"]
  assert "output" not in params["listener"] and set(params) == {"listener", "speller"}
  assert model.apply({"params": params}, feats, lengths, target_input)[2] is None


def test_joint_loss_at_weights_zero_and_one_equals_the_pure_losses(key):
  feats, lengths, labels, label_lengths = _inputs()
  target_input, targets, mask = las.teacher_forcing(labels, label_lengths, 0)
  joint = _las(ctc_weight=0.3)
  params = joint.init(key, feats, lengths, target_input)["params"]
  outputs = joint.apply({"params": params}, feats, lengths, target_input)
  # Independent references: the attention NLL from numpy log-softmax; the CTC loss of the
  # plain CTC model that owns the listener's parameters.
  logits = np.asarray(outputs[0], np.float64)
  log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
  att_ref = np.array([sum(-log_softmax[b, u, targets[b, u]] for u in range(4) if mask[b, u])
                      for b in range(2)])
  ctc_logits, ctc_lengths = joint.listener.apply({"params": params["listener"]}, feats, lengths)
  ctc_ref = ctc.ctc_loss(ctc_logits, ctc_lengths, labels, label_lengths)
  for weight, expected in ((0.0, att_ref), (1.0, ctc_ref), (0.3, 0.7 * att_ref + 0.3 * ctc_ref)):
    got = las.per_utterance_losses(outputs, labels, label_lengths, ctc_weight=weight)
    np.testing.assert_allclose(got["loss"], expected, **FLOAT32_TOL)
  # A pure LAS model of the same parameters (no CTC head) gives the attention NLL.
  pure = _las(ctc_weight=0.0)
  pure_params = {"listener": {k: v for k, v in params["listener"].items() if k != "output"},
                 "speller": params["speller"]}
  pure_out = pure.apply({"params": pure_params}, feats, lengths, target_input)
  got = las.per_utterance_losses(pure_out, labels, label_lengths, ctc_weight=0.0)
  np.testing.assert_allclose(got["loss"], att_ref, **FLOAT32_TOL)
  assert set(got) == {"attention", "loss"}


def test_joint_loss_checks_its_weight():
  x = jnp.ones(2)
  with pytest.raises(ValueError, match="ctc_weight=1.5; allowed"):
    las.joint_loss(x, x, 1.5)
  with pytest.raises(ValueError, match="needs the CTC losses"):
    las.joint_loss(x, None, 0.5)
  # A non-finite term with weight 0 does not reach the loss.
  np.testing.assert_array_equal(las.joint_loss(x, jnp.full(2, jnp.nan), 0.0), x)


def test_hypothesis_labels_drop_the_end_token():
  tokens = jnp.array([[3, 4, 0, 0], [1, 2, 3, 4], [0, 0, 0, 0]], jnp.int32)
  labels, lengths = las.hypothesis_labels(tokens, jnp.array([3, 4, 1]), eos_id=0)
  np.testing.assert_array_equal(lengths, [2, 4, 0])  # ended by </s>, truncated, empty
  np.testing.assert_array_equal(labels, [[3, 4, 0, 0], [1, 2, 3, 4], [0, 0, 0, 0]])


def test_ctc_log_likelihoods_batched_equal_one_at_a_time():
  rng = np.random.default_rng(2)
  logits = jnp.asarray(rng.normal(size=(2, 6, V)), jnp.float32)
  lengths = jnp.array([6, 4])
  labels = jnp.asarray(rng.integers(1, V, (2, 3, 4)), jnp.int32)
  label_lengths = jnp.array([[1, 2, 3], [0, 2, 4]])
  got = las.ctc_log_likelihoods(logits, lengths, labels, label_lengths)
  for b, k in itertools.product(range(2), range(3)):
    one = -ctc.ctc_loss(logits[b:b + 1], lengths[b:b + 1], labels[b, k][None],
                        label_lengths[b, k][None])
    np.testing.assert_allclose(got[b, k], one[0], **FLOAT32_TOL)


def _recognizer(ctc_weight):
  return ctc.SpeechRecognizer(filterbank=features.FilterbankConfig(num_mels=8),
                              encoder=_las(ctc_weight), frame_stacking=4)


@pytest.mark.slow
def test_beam_nbest_scores_equal_teacher_forcing_and_joint_rescoring(key):
  recognizer = _recognizer(ctc_weight=0.5)
  audio = (np.random.default_rng(3).standard_normal((2, 4000)) * 3000).astype(np.int16)
  num_samples = np.array([4000, 2500])
  target_input = jnp.zeros((2, 3), jnp.int32)
  params = recognizer.init(key, audio, num_samples, target_input)["params"]
  nbest = las.beam_nbest(recognizer, params, audio, num_samples, beam_size=4, alpha=0.6)
  frames = -(-features.FilterbankConfig(num_mels=8).num_frames(num_samples) // 4)
  max_t = -(-int(frames[0]) // 2)  # the listener's T' of the padded batch
  assert nbest.labels.shape == (2, 4, max_t + 1)
  # Every hypothesis: its attention log-prob is the teacher-forced log-prob of y + </s>
  # (a truncated one has no </s>), its CTC log-likelihood the CTC model's. All 2 x 4
  # hypotheses are teacher-forced in one batch (the audio repeated per hypothesis).
  width = max_t + 1
  rows = [(b, k) for b in range(2) for k in range(4)]
  labels = nbest.labels.reshape(8, width)
  label_lengths = nbest.label_lengths.reshape(8)
  ended = label_lengths < width
  target_input, targets, mask = las.teacher_forcing(labels, label_lengths, 0)
  mask = np.asarray(mask).copy()
  mask[~ended, width] = False  # a truncated output ends without </s>
  logits, _, ctc_logits, lengths = recognizer.apply(
      {"params": params}, np.repeat(audio, 4, axis=0), np.repeat(num_samples, 4),
      target_input)
  log_probs = np.asarray(jax.nn.log_softmax(logits), np.float64)
  for row, (b, k) in enumerate(rows):
    att = sum(log_probs[row, u, targets[row, u]] for u in range(width + 1) if mask[row, u])
    np.testing.assert_allclose(nbest.attention_log_probs[b, k], att, **FLOAT32_TOL)
  ctc_ll = -ctc.ctc_loss(ctc_logits, lengths, labels, label_lengths)
  np.testing.assert_allclose(nbest.ctc_log_probs.reshape(8), ctc_ll, **FLOAT32_TOL)
  # lambda = 0: the beam's best; lambda > 0: the argmax of the joint score.
  best = las.best_hypotheses(nbest, ctc_weight=0.0)
  for b in range(2):
    np.testing.assert_array_equal(best[b], nbest.labels[b, 0, :nbest.label_lengths[b, 0]])
  rescored = las.best_hypotheses(nbest, ctc_weight=0.7)
  joint = 0.7 * nbest.ctc_log_probs + 0.3 * nbest.attention_log_probs
  for b in range(2):
    k = int(np.argmax(joint[b]))
    np.testing.assert_array_equal(rescored[b], nbest.labels[b, k, :nbest.label_lengths[b, k]])


def test_rescoring_needs_a_ctc_head(key):
  recognizer = _recognizer(ctc_weight=0.0)
  audio = np.zeros((1, 800), np.int16)
  num_samples = np.array([800])
  params = recognizer.init(key, audio, num_samples, jnp.zeros((1, 2), jnp.int32))["params"]
  nbest = las.beam_nbest(recognizer, params, audio, num_samples, beam_size=2, alpha=0.0)
  assert nbest.ctc_log_probs is None
  with pytest.raises(ValueError, match="needs a model with a CTC head"):
    las.best_hypotheses(nbest, ctc_weight=0.3)
