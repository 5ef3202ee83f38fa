"""Captioner: both variants, decode_step == teacher forcing, the doubly stochastic penalty."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests import jaxpr_dtypes
from tests.conftest import FLOAT32_TOL
from rnnlab import cells, decoding, training
from rnnlab.models import captioner


def _model(variant, **kwargs):
  return captioner.Captioner(vocab_size=11, cell=cells.LSTM(hidden_size=16), variant=variant,
                             embed_size=8, attention_size=8, channels=4, num_stages=2,
                             **kwargs)


@pytest.mark.parametrize("variant", captioner.VARIANTS)
def test_decode_step_by_step_equals_teacher_forcing(variant, key):
  model = _model(variant)
  images = jnp.asarray(np.random.default_rng(0).integers(0, 256, (2, 16, 16, 3)), jnp.uint8)
  tokens = jnp.array([[1, 4, 5, 6], [1, 7, 2, 3]], jnp.int32)
  params = model.init(key, images, tokens)["params"]
  logits, weights = model.apply({"params": params}, images, tokens)
  assert logits.shape == (2, 4, 11) and weights.shape == (2, 4, 16)  # R = (16 / 4)^2
  encode_fn, step_fn = captioner.decoder_functions(model)
  static, carry = encode_fn(params, images)
  for t in range(4):
    log_probs, carry, w = step_fn(params, static, carry, tokens[:, t])
    np.testing.assert_allclose(log_probs, jax.nn.log_softmax(logits[:, t]), **FLOAT32_TOL)
    np.testing.assert_allclose(w, weights[:, t], **FLOAT32_TOL)
  if variant == "show_attend_tell":
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-5, atol=1e-5)
  else:
    assert float(jnp.abs(weights).sum()) == 0.0


def test_show_and_tell_depends_on_the_image_only_through_the_initial_state(key):
  model = _model("show_and_tell")
  images = jnp.zeros((1, 16, 16, 3), jnp.uint8)
  tokens = jnp.array([[1, 2, 3]], jnp.int32)
  params = jax.eval_shape(model.init, key, images, tokens)["params"]  # shapes: no compile
  assert set(params["decoder"]["attention"]) == set()
  in_size = params["decoder"]["decoder_cell"]["w_x"].shape[0]
  assert in_size == 8  # the word embedding only (no context fed)


def test_doubly_stochastic_penalty_matches_formula():
  rng = np.random.default_rng(0)
  weights = rng.dirichlet(np.ones(5), size=(2, 3)).astype(np.float32)  # [B=2, T=3, R=5]
  mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
  weights[0, 2] = np.nan  # a padded step must not leak
  expected = [np.sum((1 - weights[b][mask[b]].sum(0)) ** 2) for b in range(2)]
  got = captioner.doubly_stochastic_penalty(jnp.asarray(weights), jnp.asarray(mask))
  np.testing.assert_allclose(got, expected, **FLOAT32_TOL)


def test_precomputed_features_and_beam_search(key):
  model = _model("show_attend_tell", feature_size=6)
  features = jnp.asarray(np.random.default_rng(1).normal(size=(2, 9, 6)), jnp.float32)
  tokens = jnp.array([[1, 2]], jnp.int32).repeat(2, 0)
  params = model.init(key, features, tokens)["params"]
  assert "encoder" not in params
  encode_fn, step_fn = captioner.decoder_functions(model)
  static, carry = encode_fn(params, features)
  result = decoding.beam_search(step_fn, params, static, carry, beam_size=3, bos_id=1,
                                eos_id=2, max_length=5)
  assert result.tokens.shape[0] == 2
  with pytest.raises(ValueError, match=r"precomputed features must be \[B, R, F=6\]"):
    encode_fn(params, features[..., :5])


def test_bad_variant_is_named(key):
  with pytest.raises(ValueError, match="variant='show'"):
    _model("show").init(key, jnp.zeros((1, 16, 16, 3), jnp.uint8), jnp.zeros((1, 2), jnp.int32))


def _configured(dtype, variant="show_attend_tell"):
  """A tiny captioner from the captioning config's model section (F = 8, H = 16, E = 6,
  A = 10, V = 11: every weight matrix has its own shape)."""
  config = training.base_config("captioning").model
  config.update(dict(dtype=dtype, variant=variant, hidden_size=16, embed_size=6,
                     attention_size=10, channels=4, num_stages=2))
  return captioner.from_config(config, vocab_size=11)


@pytest.mark.parametrize("variant", captioner.VARIANTS)
def test_bfloat16_reaches_encoder_embedding_attention_and_output(variant, key):
  """model.dtype=bfloat16: every convolution and matmul (CNN, cell, attention projections,
  bridge, readout, output layer) computes in bfloat16; params, attention scores and weights,
  logits float32."""
  model = _configured("bfloat16", variant)
  images = jnp.asarray(np.random.default_rng(0).integers(0, 256, (2, 16, 16, 3)), jnp.uint8)
  tokens = jnp.array([[1, 4, 5], [1, 7, 2]], jnp.int32)
  params = jax.jit(model.init)(key, images, tokens)["params"]
  assert {x.dtype for x in jax.tree.leaves(params)} == {jnp.dtype(jnp.float32)}
  found = jaxpr_dtypes.matmul_dtypes(jax.make_jaxpr(
      lambda p: model.apply({"params": p}, images, tokens))(params).jaxpr)
  # Only the additive score's last reduction, v . tanh(...), is float32: rnnlab.nn.attention
  # computes scores and softmax in float32 by design.
  float32 = {k for k, dtypes in found.items() if dtypes != {"bfloat16"}}
  assert float32 <= {("dot_general", (10,))}, found
  convs = [shape for kind, shape in found if kind == "conv_general_dilated"]
  assert (3, 3, 3, 4) in convs and (3, 3, 4, 8) in convs  # the CNN stem and stage 1
  dots = {shape for kind, shape in found if kind == "dot_general"}
  assert {(16, 11), (8, 16)} <= dots  # the output layer, the bridge (F -> H)
  if variant == "show_attend_tell":
    assert {(8, 10), (16, 10), (16 + 8 + 6, 16)} <= dots  # W_k, W_q, readout [h; c; E y]
  else:
    assert (16 + 8 + 6, 16) in dots  # readout [h; c; E y]
  captured = model.apply({"params": params}, images, tokens, capture_intermediates=True,
                         mutable=["intermediates"])[1]["intermediates"]
  assert captured["decoder"]["target_embed"]["__call__"][0].dtype == jnp.bfloat16
  logits, weights = model.apply({"params": params}, images, tokens)
  assert logits.dtype == jnp.float32 and weights.dtype == jnp.float32
  assert np.isfinite(np.asarray(logits)).all()


def test_float32_captioner_has_no_bfloat16_matmul(key):
  model = _configured("float32")
  images = jnp.zeros((1, 16, 16, 3), jnp.uint8)
  tokens = jnp.array([[1, 4]], jnp.int32)
  params = jax.eval_shape(model.init, key, images, tokens)["params"]  # shapes: no compile
  found = jaxpr_dtypes.matmul_dtypes(jax.make_jaxpr(
      lambda p: model.apply({"params": p}, images, tokens))(params).jaxpr)
  assert {d for dtypes in found.values() for d in dtypes} == {"float32"}
