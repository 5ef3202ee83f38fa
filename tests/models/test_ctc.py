"""Tests of the CTC acoustic model and loss."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from rnnlab import cells
from rnnlab.models import ctc

FLOAT32_TOL = dict(rtol=1e-5, atol=1e-5)


def _model(cell_name="lstm", num_layers=2, **kwargs):
  layer_cells = tuple(cells.make_cell(cell_name, hidden_size=8) for _ in range(num_layers))
  return ctc.CTCModel(cells=layer_cells, num_classes=5, **kwargs)


@pytest.mark.parametrize("cell_name", ["lstm", "gru", "elman"])
def test_shapes_and_pyramidal_lengths(key, cell_name):
  model = _model(cell_name, reduction_factors=(2, 2))
  x = jax.random.normal(key, (3, 11, 4))
  lengths = jnp.array([11, 7, 1])
  params = jax.jit(model.init)(key, x, lengths)["params"]
  logits, out_lengths = jax.jit(model.apply)({"params": params}, x, lengths)
  assert logits.shape == (3, 3, 5)  # ceil(ceil(11 / 2) / 2)
  np.testing.assert_array_equal(out_lengths, [3, 2, 1])
  assert set(params) == {"layer_0", "layer_1", "output"}


def test_padding_does_not_change_valid_outputs(key):
  model = _model(reduction_factors=(1, 2))
  x = jax.random.normal(key, (1, 6, 4))
  params = jax.jit(model.init)(key, x, jnp.array([6]))["params"]
  padded = jnp.concatenate([x, 100.0 * jnp.ones((1, 5, 4))], axis=1)
  apply = jax.jit(model.apply)
  alone, _ = apply({"params": params}, x, jnp.array([6]))
  batched, lengths = apply({"params": params}, padded, jnp.array([6]))
  assert int(lengths[0]) == 3
  np.testing.assert_allclose(batched[:, :3], alone, **FLOAT32_TOL)


def test_unidirectional_is_causal(key):
  model = _model(bidirectional=False)
  x = jax.random.normal(key, (1, 6, 4))
  params = jax.jit(model.init)(key, x, jnp.array([6]))["params"]
  apply = jax.jit(model.apply)
  full, _ = apply({"params": params}, x, jnp.array([6]))
  changed, _ = apply({"params": params}, x.at[:, 4:].set(5.0), jnp.array([6]))
  np.testing.assert_allclose(full[:, :4], changed[:, :4], **FLOAT32_TOL)


def test_reduction_factor_count_must_match_layers(key):
  model = _model(reduction_factors=(2,))
  with pytest.raises(ValueError, match="one entry per layer"):
    model.init(key, jnp.zeros((1, 4, 4)), jnp.array([4]))


def test_dropout_needs_rng_and_changes_output(key):
  model = _model(dropout_rate=0.5)
  x = jax.random.normal(key, (2, 5, 4))
  lengths = jnp.array([5, 5])
  params = jax.jit(model.init)(key, x, lengths)["params"]
  apply = jax.jit(model.apply, static_argnames="deterministic")
  a, _ = apply({"params": params}, x, lengths, deterministic=False,
               rngs={"dropout": jax.random.key(1)})
  b, _ = apply({"params": params}, x, lengths)
  assert not np.allclose(a, b)


def test_ctc_loss_matches_optax_on_unpadded_and_ignores_padding(key):
  logits = jax.random.normal(key, (2, 7, 5))
  labels = jnp.array([[1, 2, 2, 0], [3, 4, 0, 0]])
  label_lengths = jnp.array([3, 2])
  logit_lengths = jnp.array([7, 5])
  loss = jax.jit(ctc.ctc_loss)(logits, logit_lengths, labels, label_lengths)
  single = optax.ctc_loss(logits[1:, :5], jnp.zeros((1, 5)), labels[1:, :2], jnp.zeros((1, 2)))
  np.testing.assert_allclose(loss[1], single[0], **FLOAT32_TOL)
  perturbed = logits.at[1, 5:].set(50.0)
  np.testing.assert_allclose(
      jax.jit(ctc.ctc_loss)(perturbed, logit_lengths, labels, label_lengths), loss, **FLOAT32_TOL)


def test_ctc_loss_ignores_nan_inf_and_bad_ids_in_padding_with_clean_gradients(key):
  # Issue 18 item 2: padded frames hold NaN/inf, padded label slots out-of-range ids; the loss
  # and its gradient equal those with zeros there (optax alone blends padded frames by
  # multiplying with the padding, so NaN leaks).
  logits = jax.random.normal(key, (3, 7, 5))
  labels = jnp.array([[1, 2, 2, 0], [3, 4, 0, 0], [2, 0, 0, 0]])
  label_lengths, logit_lengths = jnp.array([3, 2, 1]), jnp.array([7, 5, 3])
  frames = (jnp.arange(7)[None, :] < logit_lengths[:, None])[..., None]
  slots = jnp.arange(4)[None, :] < label_lengths[:, None]
  clean = jnp.where(frames, logits, 0.0)
  poison = jnp.array([jnp.nan, jnp.inf, -jnp.inf])[jnp.arange(7) % 3][None, :, None]
  bad = jnp.where(frames, logits, poison)
  bad_labels = jnp.where(slots, labels, jnp.array([99, -3, 5, 7])[None, :])

  def total(logits, labels):
    return jnp.sum(ctc.ctc_loss(logits, logit_lengths, labels, label_lengths))

  value_and_grad = jax.jit(jax.value_and_grad(total))
  value, grad = value_and_grad(bad, bad_labels)
  want_value, want_grad = value_and_grad(clean, labels)
  np.testing.assert_allclose(value, want_value, **FLOAT32_TOL)
  assert np.all(np.isfinite(grad))
  np.testing.assert_allclose(grad, want_grad, **FLOAT32_TOL)
  assert np.all(np.asarray(grad)[~np.broadcast_to(frames, grad.shape)] == 0.0)


@pytest.mark.slow
def test_training_reduces_loss(key):
  """A few Adam steps on one batch: the CTC loss must fall (a gradient sanity check)."""
  model = _model(num_layers=1)
  x = jax.random.normal(key, (2, 8, 4))
  lengths, labels, label_lengths = jnp.array([8, 6]), jnp.array([[1, 2], [3, 0]]), jnp.array([2, 1])
  params = jax.jit(model.init)(key, x, lengths)["params"]
  optimizer = optax.adam(0.05)
  state = optimizer.init(params)

  @jax.jit
  def step(params, state, x, lengths, labels, label_lengths):
    def loss_fn(p):
      logits, out_lengths = model.apply({"params": p}, x, lengths)
      return jnp.mean(ctc.ctc_loss(logits, out_lengths, labels, label_lengths))
    loss, grads = jax.value_and_grad(loss_fn)(params)
    updates, state = optimizer.update(grads, state)
    return optax.apply_updates(params, updates), state, loss

  first = None
  for _ in range(30):
    params, state, loss = step(params, state, x, lengths, labels, label_lengths)
    first = loss if first is None else first
  assert float(loss) < 0.3 * float(first)


def test_min_frames_and_length_check():
  assert ctc.min_ctc_frames([1, 2, 3]) == 3
  assert ctc.min_ctc_frames([1, 1, 2, 2, 2]) == 8
  assert ctc.min_ctc_frames([]) == 0
  ctc.check_ctc_lengths([1, 1], 3)
  with pytest.raises(ValueError, match="needs at least 3 CTC frames"):
    ctc.check_ctc_lengths([1, 1], 2)
  assert ctc.total_reduction((2, 3)) == 6


def test_speech_recognizer_front_end_and_spec_augment(key):
  from rnnlab import features  # pylint: disable=import-outside-toplevel
  recognizer = ctc.SpeechRecognizer(
      filterbank=features.FilterbankConfig(num_mels=20), encoder=_model(num_layers=1),
      frame_stacking=2, spec_augment=features.SpecAugmentConfig(freq_mask_width=10))
  audio = (np.random.default_rng(0).standard_normal((2, 4000)) * 3000).astype(np.int16)
  num_samples = np.array([4000, 2000])
  params = jax.jit(recognizer.init)(key, audio, num_samples)["params"]
  apply = jax.jit(recognizer.apply, static_argnames="deterministic")
  logits, lengths = apply({"params": params}, audio, num_samples)
  frames = features.FilterbankConfig(num_mels=20).num_frames(num_samples)
  np.testing.assert_array_equal(lengths, -(-frames // 2))
  assert logits.shape == (2, int(lengths[0]), 5)
  again, _ = apply({"params": params}, audio, num_samples)
  np.testing.assert_array_equal(again, logits)  # deterministic: no masking
  masked, _ = apply({"params": params}, audio, num_samples, deterministic=False,
                    rngs={"spec_augment": jax.random.key(3)})
  assert not np.allclose(masked, logits)
