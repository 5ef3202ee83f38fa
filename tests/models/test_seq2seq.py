"""Seq2Seq: teacher forcing == cached step-by-step decoding, padding invariance, variants."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import decoding
from rnnlab.models import losses
from rnnlab.models import seq2seq
from tests.conftest import FLOAT32_TOL

# Every test compiles a model (initialisation alone takes ~10 s on 2 CPU cores).
pytestmark = pytest.mark.slow

SRC = np.array([[4, 5, 6, 7, 0], [8, 9, 0, 0, 0], [5, 5, 5, 0, 0]], np.int32)
SRC_LEN = np.array([4, 2, 3], np.int32)
TGT_IN = np.array([[1, 4, 5, 6], [1, 7, 0, 0], [1, 8, 9, 0]], np.int32)


def _model(attention, **kw):
  kw = dict(source_vocab_size=10, target_vocab_size=11, embed_size=6, encoder_hidden_size=5,
            decoder_hidden_size=10, attention=attention, attention_size=7) | kw
  return seq2seq.Seq2Seq(**kw)


def _init(model, key):
  return jax.jit(model.init)(key, SRC, SRC_LEN, TGT_IN)["params"]


@pytest.mark.parametrize("attention", seq2seq.ATTENTIONS)
def test_teacher_forcing_equals_cached_step_decoding(attention, key):
  model = _model(attention)
  params = _init(model, key)
  logits, weights = model.apply({"params": params}, SRC, SRC_LEN, TGT_IN)
  assert logits.shape == (3, 4, 11) and weights.shape == (3, 4, 5)
  encode_fn, step_fn = seq2seq.decoder_functions(model)
  static, carry = encode_fn(params, SRC, SRC_LEN)
  step_fn = jax.jit(step_fn)
  for t in range(TGT_IN.shape[1]):
    log_probs, carry, w = step_fn(params, static, carry, TGT_IN[:, t])
    np.testing.assert_allclose(log_probs, jax.nn.log_softmax(logits[:, t]), **FLOAT32_TOL)
    np.testing.assert_allclose(w, weights[:, t], **FLOAT32_TOL)
  w = np.asarray(weights)
  assert np.all(w[:, :, 4] == 0) and np.all(w[1, :, 2:] == 0)  # padding never attended
  if attention == "none":
    assert np.all(w == 0)
  else:
    np.testing.assert_allclose(w.sum(-1), 1.0, **FLOAT32_TOL)


@pytest.mark.parametrize("attention", ["none", "general"])
def test_batch_equals_each_sentence_alone(attention, key):
  model = _model(attention, encoder_cell="gru", decoder_cell="gru", encoder_layers=2)
  params = _init(model, key)
  apply = jax.jit(model.apply)
  logits, _ = apply({"params": params}, SRC, SRC_LEN, TGT_IN)
  for b in range(3):
    n = int(SRC_LEN[b])
    alone, _ = apply({"params": params}, SRC[b:b + 1, :n], SRC_LEN[b:b + 1], TGT_IN[b:b + 1])
    np.testing.assert_allclose(alone[0], logits[b], **FLOAT32_TOL)


def test_variants_and_parameter_layout(key):
  uni = _model("dot", bidirectional=False, encoder_hidden_size=10, input_feeding=False,
               encoder_cell="elman")
  params = _init(uni, key)
  assert params["attention"] == {}
  # no input feeding: the decoder cell reads only the embedding (E = 6)
  assert params["decoder_cell"]["w_x"].shape[0] == 6
  fed = _init(_model("general"), key)
  assert fed["decoder_cell"]["w_x"].shape[0] == 6 + 10  # embedding + attentional feed
  assert fed["attention"]["w"].shape == (10, 10)  # [M = 2 x 5, H]
  lstm = _init(_model("additive", cell_kwargs=(("forget_bias", 2.0),)), key)
  assert "bridge_1" in lstm  # LSTM state (c, h): one bridge per component


def test_gradients_are_finite_and_reach_every_parameter(key):
  model = _model("additive", dropout_rate=0.1)
  params = _init(model, key)

  def loss(p, src, src_len, tgt_in):
    logits, _ = model.apply({"params": p}, src, src_len, tgt_in, deterministic=False,
                            rngs={"dropout": jax.random.key(1)})
    return -jnp.mean(jax.nn.log_softmax(logits)[..., 3])

  grads = jax.jit(jax.grad(loss))(params, SRC, SRC_LEN, TGT_IN)
  for path, g in jax.tree_util.tree_leaves_with_path(grads):
    assert np.all(np.isfinite(g)), path
    assert np.any(g != 0), path


@pytest.mark.parametrize("attention", ["additive", "general"])
def test_padding_holding_bad_ids_reaches_no_loss_or_gradient(attention, key):
  # Issue 18 item 2: source ids outside the vocabulary embed as NaN; past source_length they
  # are selected away (recurrence, attention keys and values) and target padding is selected
  # away in the loss: loss and gradients equal those with PAD (0) in the padding.
  model = _model(attention)
  params = _init(model, key)
  src_mask = np.arange(SRC.shape[1])[None, :] < SRC_LEN[:, None]
  bad_src = np.where(src_mask, SRC, 10**4).astype(np.int32)
  tgt_out = np.array([[4, 5, 6, 2], [7, 2, 0, 0], [8, 9, 2, 0]], np.int32)
  tgt_mask = tgt_out != 0
  bad_out = np.where(tgt_mask, tgt_out, -1).astype(np.int32)

  @jax.jit
  def loss(p, src, out):
    logits, _ = model.apply({"params": p}, src, SRC_LEN, TGT_IN)
    return jnp.sum(losses.token_nll(logits, out, tgt_mask)) / jnp.sum(tgt_mask)

  value, grads = jax.value_and_grad(loss)(params, bad_src, bad_out)
  want_value, want_grads = jax.value_and_grad(loss)(params, SRC, tgt_out)
  np.testing.assert_allclose(value, want_value, **FLOAT32_TOL)
  for path, g in jax.tree_util.tree_leaves_with_path(grads):
    assert np.all(np.isfinite(g)), path
  for g, w in zip(jax.tree.leaves(grads), jax.tree.leaves(want_grads)):
    np.testing.assert_allclose(g, w, **FLOAT32_TOL)


def test_beam_search_over_the_model(key):
  model = _model("general")
  params = _init(model, key)
  encode_fn, step_fn = seq2seq.decoder_functions(model)
  static, carry = encode_fn(params, SRC, SRC_LEN)
  greedy = decoding.greedy_search(step_fn, params, static, carry, bos_id=1, eos_id=2, max_length=6)
  beam = decoding.beam_search(step_fn, params, static, carry, beam_size=1, bos_id=1, eos_id=2,
                              max_length=6, alpha=0.0)
  np.testing.assert_array_equal(beam.tokens[:, 0], greedy.tokens)
  wide = decoding.beam_search(step_fn, params, static, carry, beam_size=3, bos_id=1, eos_id=2,
                              max_length=6)
  assert wide.tokens.shape == (3, 3, 6) and wide.aux.shape == (3, 3, 6, 5)


def test_bad_configurations(key):
  with pytest.raises(ValueError, match="dot attention needs decoder_hidden_size == encoder memory"):
    _init(_model("dot", decoder_hidden_size=7), key)
  with pytest.raises(ValueError, match="attention='luong'"):
    _init(_model("luong"), key)
  with pytest.raises(ValueError, match="unknown cell 'transformer'"):
    _init(_model("none", encoder_cell="transformer"), key)
