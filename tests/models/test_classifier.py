"""Classifiers: a padded batch == each sequence (tree) alone; padding ids change nothing."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, trees
from rnnlab.models import classifier
from rnnlab.nn import pooling
from tests import jaxpr_dtypes
from tests.conftest import FLOAT32_TOL

V, C = 11, 3
LENGTHS = np.array([7, 3, 1, 5])


def _tokens(seed=0):
  rng = np.random.default_rng(seed)
  tokens = rng.integers(1, V, size=(4, 7)).astype(np.int32)
  for b, n in enumerate(LENGTHS):
    tokens[b, n:] = 0
  return tokens


def _model(method, bidirectional, num_layers=2):
  return classifier.TextClassifier(
      vocab_size=V, num_classes=C, cells=tuple(cells.LSTM(hidden_size=5) for _ in range(num_layers)),
      embed_size=4, bidirectional=bidirectional, pooling=method, attention_size=3)


def _check_padded_batch_equals_each_sequence_alone(method, bidirectional, num_layers, key):
  model = _model(method, bidirectional, num_layers)
  tokens, lengths = _tokens(), jnp.asarray(LENGTHS)
  variables = jax.jit(model.init)(key, jnp.asarray(tokens), lengths)
  apply = jax.jit(model.apply)
  logits, weights = apply(variables, jnp.asarray(tokens), lengths)
  assert logits.shape == (4, C) and logits.dtype == jnp.float32
  garbage = tokens.copy()
  garbage[tokens == 0] = 7
  for b, n in enumerate(LENGTHS):  # one at a time, other ids in the padding (same shape)
    alone, alone_weights = apply(variables, jnp.asarray(garbage[b:b + 1]), lengths[b:b + 1])
    np.testing.assert_allclose(logits[b], alone[0], **FLOAT32_TOL)
    if method == "attention":
      np.testing.assert_allclose(weights[b], alone_weights[0], **FLOAT32_TOL)
      np.testing.assert_array_equal(weights[b, n:], 0.0)
    else:
      assert weights is None
  unpadded, _ = apply(variables, jnp.asarray(tokens[1:2, :3]), lengths[1:2])  # no padding
  np.testing.assert_allclose(logits[1], unpadded[0], **FLOAT32_TOL)


def test_padded_batch_equals_each_sequence_alone_bidirectional_attention(key):
  _check_padded_batch_equals_each_sequence_alone("attention", True, 1, key)


@pytest.mark.slow
@pytest.mark.parametrize("method, bidirectional", [("last", True), ("mean", False),
                                                   ("max", True), ("attention", False)])
def test_padded_batch_equals_each_sequence_alone(method, bidirectional, key):
  _check_padded_batch_equals_each_sequence_alone(method, bidirectional, 2, key)


def test_padding_ids_change_neither_logits_nor_gradients(key):
  model = _model("attention", True, num_layers=1)
  tokens, lengths = _tokens(), jnp.asarray(LENGTHS)
  other = tokens.copy()
  other[tokens == 0] = 9  # different ids in the padding
  variables = jax.jit(model.init)(key, jnp.asarray(tokens), lengths)

  def loss(params, toks):
    logits, _ = model.apply({"params": params}, toks, lengths)
    return jnp.sum(jax.nn.log_softmax(logits)[:, 0])

  grad = jax.jit(jax.grad(loss))
  g1 = grad(variables["params"], jnp.asarray(tokens))
  g2 = grad(variables["params"], jnp.asarray(other))
  for a, b in zip(jax.tree.leaves(g1), jax.tree.leaves(g2)):
    np.testing.assert_allclose(a, b, **FLOAT32_TOL)
  assert float(jnp.abs(g1["embed"]["embedding"][9]).sum()) != 0.0  # 9 is a real token too


def test_bad_pooling_is_refused(key):
  with pytest.raises(ValueError, match="pooling='median'; allowed"):
    _model("median", False).init(key, jnp.asarray(_tokens()), jnp.asarray(LENGTHS))


def test_tree_classifier_batch_equals_each_tree_alone(key):
  shapes = [((1, 2), 3), (4, 5), (((1, 2), (3, 4)), 5)]
  model = classifier.TreeClassifier(network=trees.NaryTreeLSTM(4), vocab_size=6, num_classes=C)
  batch = trees.batch_trees([trees.from_nested(s) for s in shapes])
  variables = model.init(key, batch)
  logits = jax.jit(model.apply)(variables, batch)
  assert logits.shape == (3, C)
  for b, shape in enumerate(shapes):
    alone = model.apply(variables, trees.batch_trees([trees.from_nested(shape)]))  # own shapes
    np.testing.assert_allclose(logits[b], alone[0], **FLOAT32_TOL)


def test_tree_classifier_takes_model_dtype(key):
  """model.dtype reaches the embedding, the Tree-LSTM and the output layer (it used to stop
  at the output layer); params, logits and gradients stay float32 and finite."""
  from rnnlab import training
  from rnnlab.models import builders
  config = training.base_config("listops").model
  dtype = "bfloat16"
  config.update(dict(dtype=dtype, hidden_size=8, embed_size=6))
  model = builders.build_tree_classifier(config, vocab_size=6, num_classes=C)
  batch = trees.batch_trees([trees.from_nested(s) for s in [((1, 2), 3), (4, 5)]])
  params = model.init(key, batch)["params"]
  assert {x.dtype for x in jax.tree.leaves(params)} == {jnp.dtype(jnp.float32)}
  found = jaxpr_dtypes.matmul_dtypes(
      jax.make_jaxpr(lambda p: model.apply({"params": p}, batch))(params).jaxpr)
  assert {d for (kind, _), dtypes in found.items() if kind == "dot_general" for d in dtypes} \
      == {dtype}
  loss = lambda p: jnp.mean(model.apply({"params": p}, batch) ** 2)
  logits = model.apply({"params": params}, batch)
  assert logits.dtype == jnp.float32
  grads = jax.grad(loss)(params)
  assert all(np.isfinite(np.asarray(g)).all() for g in jax.tree.leaves(grads))
