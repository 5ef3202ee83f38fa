"""LanguageModel: shapes, parameter layout, TBPTT state continuity, dropout, weight tying."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells
from rnnlab import nn as rnnlab_nn
from rnnlab.models import language_model as lm
from rnnlab.models import losses

V, B, T, H = 13, 4, 6, 8
TOL = 1e-5  # float32 recomputation of the same maths in a different segmentation


def _model(cell="lstm", layers=2, **kwargs):
  return lm.LanguageModel(vocab_size=V, cells=tuple(cells.make_cell(cell, hidden_size=H)
                                                    for _ in range(layers)), **kwargs)


def _tokens(shape, seed=0):
  return jnp.asarray(np.random.default_rng(seed).integers(0, V, size=shape), jnp.int32)


def test_shapes_and_parameter_layout():
  model = _model(embed_size=5)
  variables = model.init({"params": jax.random.key(0)}, _tokens((B, T)))
  params = variables["params"]
  assert params["embed"]["embedding"].shape == (V, 5)
  assert set(params["rnn"]) == {"layer_0", "layer_1"}
  assert params["rnn"]["layer_0"]["w_x"].shape == (5, 4 * H)
  assert params["softmax"]["kernel"].shape == (H, V)
  states, logits = model.apply(variables, _tokens((B, T)))
  assert logits.shape == (B, T, V) and logits.dtype == jnp.float32
  assert len(states) == 2 and states[0][0].shape == (B, H)


def test_tied_weights_share_the_embedding():
  model = _model(tie_weights=True)
  variables = model.init({"params": jax.random.key(0)}, _tokens((B, T)))
  assert "softmax" not in variables["params"] and "softmax_bias" in variables["params"]
  with pytest.raises(ValueError, match="tie_weights=True needs embed_size == hidden_size"):
    _model(tie_weights=True, embed_size=H + 1).init({"params": jax.random.key(0)},
                                                  _tokens((B, T)))


@pytest.mark.parametrize("cell", ["lstm", "gru", "elman"])
def test_carrying_state_over_two_segments_equals_the_whole_sequence(cell):
  model = _model(cell)
  tokens = _tokens((B, 2 * T), seed=1)
  variables = model.init({"params": jax.random.key(0)}, tokens)
  _, whole = model.apply(variables, tokens)
  states, first = model.apply(variables, tokens[:, :T])
  _, second = model.apply(variables, tokens[:, T:], initial_states=states)
  np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=TOL, atol=TOL)


def test_reset_states_zeroes_only_flagged_rows():
  states = [(jnp.ones((3, 2)), 2 * jnp.ones((3, 2)))]
  out = lm.reset_states(states, jnp.array([True, False, True]))
  np.testing.assert_array_equal(out[0][0][:, 0], [0.0, 1.0, 0.0])
  np.testing.assert_array_equal(out[0][1][:, 1], [0.0, 2.0, 0.0])


def test_dropout_only_in_training_and_variational_mask_is_shared_over_time():
  tokens = _tokens((B, T))
  for variational in (False, True):
    model = _model(dropout_rate=0.5, variational_dropout=variational)
    variables = model.init({"params": jax.random.key(0)}, tokens)
    _, eval_logits = model.apply(variables, tokens)
    _, again = model.apply(variables, tokens, deterministic=True)
    np.testing.assert_array_equal(eval_logits, again)
    _, train_logits = model.apply(variables, tokens, deterministic=False,
                                  rngs={"dropout": jax.random.key(1)})
    assert not np.allclose(train_logits, eval_logits)
  # Variational: the rate-0.5 mask of a [B, T, H] input is one [B, 1, H] mask over time.
  # The LM's layers: rnnlab.nn.StackedRNN with Zaremba's input and output dropout.
  layers = rnnlab_nn.StackedRNN(cells=(cells.make_cell("elman", hidden_size=H),),
                                dropout_rate=0.5, input_dropout=True, output_dropout=True,
                                variational_dropout=True, unroll=1, impl="scan")
  xs = jnp.ones((B, T, H))
  params = layers.init({"params": jax.random.key(0)}, xs, None, None, True)
  capture = {}

  def record_inputs(next_fun, args, kwargs, context):
    if context.module.__class__.__name__ == "Dropout" and context.method_name == "__call__":
      capture.setdefault("outputs", []).append(next_fun(*args, **kwargs))
      return capture["outputs"][-1]
    return next_fun(*args, **kwargs)

  from flax import linen as nn  # pylint: disable=import-outside-toplevel
  with nn.intercept_methods(record_inputs):
    layers.apply(params, xs, None, None, False, rngs={"dropout": jax.random.key(3)})
  embedded_dropout = np.asarray(capture["outputs"][0])  # dropout of the all-ones input
  zero = embedded_dropout == 0
  assert zero.any() and not zero.all()
  assert (zero == zero[:, :1]).all()


def test_training_objective_reductions_by_hand():
  nll = jnp.array([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]])
  mask = jnp.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
  np.testing.assert_allclose(lm.training_objective(nll, mask, "mean"), 6.0 / 3.0)
  np.testing.assert_allclose(lm.training_objective(nll, mask, "sum_over_time"), 6.0 / 2.0)
  with pytest.raises(ValueError, match="loss reduction 'median'"):
    lm.training_objective(nll, mask, "median")


def test_uniform_reinit_bounds_every_parameter():
  model = _model()
  params = model.init({"params": jax.random.key(0)}, _tokens((B, T)))["params"]
  fresh = lm.uniform_reinit(params, 0.1, key=jax.random.key(1))
  for leaf in jax.tree.leaves(fresh):
    assert float(jnp.max(jnp.abs(leaf))) <= 0.1
  assert jax.tree.structure(fresh) == jax.tree.structure(params)


def test_training_objective_never_counts_masked_positions():
  nll = jnp.array([[1.0, 2.0, jnp.nan], [3.0, jnp.inf, -jnp.inf]])
  mask = jnp.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
  np.testing.assert_allclose(lm.training_objective(nll, mask, "mean"), 6.0 / 3.0)
  np.testing.assert_allclose(lm.training_objective(nll, mask, "sum_over_time"), 6.0 / 2.0)


@pytest.mark.parametrize("reduction", lm.LOSS_REDUCTIONS)
def test_padding_ids_out_of_range_reach_no_loss_or_gradient(reduction):
  # An id outside [0, V) embeds as NaN (jnp.take's fill); padded inputs and targets may hold
  # anything: loss and gradients equal those with id 0 in the padding (issue 18 item 2).
  model = _model("gru", layers=2)
  lengths = jnp.array([T, 3, 1, 0])
  mask = jnp.arange(T)[None, :] < lengths[:, None]
  clean = jnp.where(mask, _tokens((B, T)), 0)
  targets = jnp.where(mask, _tokens((B, T), seed=1), 0)
  bad = jnp.where(mask, clean, V + 3)
  bad_targets = jnp.where(mask, targets, -5)
  params = model.init(jax.random.key(0), clean, lengths=lengths)["params"]

  @jax.jit
  def loss(params, tokens, targets):
    _, logits = model.apply({"params": params}, tokens, lengths=lengths)
    nll = losses.token_nll(logits, targets, mask)
    return lm.training_objective(nll, mask.astype(jnp.float32), reduction)

  value, grads = jax.value_and_grad(loss)(params, bad, bad_targets)
  want_value, want_grads = jax.value_and_grad(loss)(params, clean, targets)
  np.testing.assert_allclose(value, want_value, rtol=TOL, atol=TOL)
  for g, w in zip(jax.tree.leaves(grads), jax.tree.leaves(want_grads)):
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, w, rtol=TOL, atol=TOL)


def test_residual_blocks_carry_their_state_over_segments_from_zero_initial_states():
  # model.block="residual" reaches the language model (it was dropped by the builder), and the
  # zero states of ``initial_states(..., block="residual")`` (the TBPTT carry) equal no states.
  model = _model("rglru", block="residual", embed_size=H)
  tokens = _tokens((B, 2 * T), seed=2)
  variables = model.init({"params": jax.random.key(0)}, tokens)
  assert "mlp_gate" in variables["params"]["rnn"]["layer_0"]
  _, whole = model.apply(variables, tokens)
  zeros = lm.initial_states(model.cells, B, block="residual")
  states, first = model.apply(variables, tokens[:, :T], initial_states=zeros)
  assert jax.tree.structure(states) == jax.tree.structure(zeros)
  _, second = model.apply(variables, tokens[:, T:], initial_states=states)
  np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=TOL, atol=TOL)
