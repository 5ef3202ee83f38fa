"""TreeEncoder: embeddings -> tree network, equal to the pure functions it wires."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import nn, trees
from tests.conftest import FLOAT32_TOL


@pytest.mark.parametrize("network", [trees.ChildSumTreeLSTM(4), trees.RecursiveNN(4)])
def test_encoder_equals_embedding_then_propagate(network):
  batch = trees.batch_trees([trees.from_nested(((1, 2), 3)), trees.from_nested((4, 5))])
  encoder = nn.TreeEncoder(network=network, vocab_size=6)
  variables = encoder.init(jax.random.key(0), batch)
  node_outputs, root_outputs = jax.jit(encoder.apply)(variables, batch)
  params = variables["params"]
  assert set(params) == {"embed", "network"}
  table = params["embed"]["embedding"]
  assert table.shape == (6, 4)
  tokens = np.asarray(batch.tokens)
  xs = np.where(tokens[..., None] >= 0, np.asarray(table)[np.maximum(tokens, 0)], 0.0)
  _, expected = trees.propagate(network, params["network"], batch, jnp.asarray(xs))
  np.testing.assert_allclose(node_outputs, expected, **FLOAT32_TOL)
  np.testing.assert_allclose(root_outputs, [expected[0, 4], expected[1, 2]], **FLOAT32_TOL)
  assert node_outputs.shape == (2, 5, 4) and root_outputs.shape == (2, 4)


def test_root_softmax_trains_the_embeddings():
  batch = trees.batch_trees([trees.from_nested(((1, 2), 3)), trees.from_nested((4, 5))])
  encoder = nn.TreeEncoder(network=trees.NaryTreeLSTM(3), vocab_size=6, embed_dim=2)
  variables = encoder.init(jax.random.key(0), batch)

  def loss(v):
    _, roots = encoder.apply(v, batch)
    return -jnp.sum(jax.nn.log_softmax(roots)[:, 0])

  grads = jax.grad(loss)(variables)["params"]
  embed_grad = np.asarray(grads["embed"]["embedding"])
  assert np.all(embed_grad[1:] != 0) and np.all(embed_grad[0] == 0)  # token 0 is never used
