"""CNN image encoder: shapes, region order, input checks, dtype."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab.models import cnn_encoder


def test_regions_grid_and_embedding_shapes(key):
  model = cnn_encoder.CNNEncoder(channels=8, num_stages=3)
  images = jnp.asarray(np.random.default_rng(0).integers(0, 256, (2, 32, 32, 3)), jnp.uint8)
  variables = model.init(key, images)
  regions, embedding = model.apply(variables, images)
  assert regions.shape == (2, (32 // 8) ** 2, 32) and model.feature_size == 32
  np.testing.assert_allclose(embedding, regions.mean(axis=1), rtol=1e-6, atol=1e-6)


def test_regions_are_local_row_major(key):
  """Changing the top-left corner of the image changes the first region most (group norm
  statistics span the whole map, so the other regions move a little too)."""
  model = cnn_encoder.CNNEncoder(channels=8, num_stages=2)
  images = jnp.zeros((1, 16, 16, 3), jnp.uint8)
  variables = model.init(key, images)
  base, _ = model.apply(variables, images)
  changed, _ = model.apply(variables, images.at[0, :2, :2].set(255))
  delta = jnp.abs(changed - base).sum(-1)[0]  # [R]
  assert int(jnp.argmax(delta)) == 0 and float(delta[0]) > 2 * float(delta[-1])


def test_bad_images_are_named(key):
  model = cnn_encoder.CNNEncoder(channels=4, num_stages=2)
  with pytest.raises(ValueError, match=r"\[B, S, S, 3\] RGB; got shape \(1, 16, 16\)"):
    model.init(key, jnp.zeros((1, 16, 16)))
  with pytest.raises(ValueError, match="divisible by 2\\*\\*num_stages=4"):
    model.init(key, jnp.zeros((1, 18, 18, 3)))


def test_bfloat16_compute_keeps_float32_outputs(key):
  model = cnn_encoder.CNNEncoder(channels=4, num_stages=2, dtype=jnp.bfloat16)
  images = jnp.ones((1, 16, 16, 3), jnp.float32)
  variables = model.init(key, images)
  regions, _ = model.apply(variables, images)
  assert regions.dtype == jnp.float32 and bool(jnp.all(jnp.isfinite(regions)))
  kinds = {leaf.dtype for leaf in jax.tree.leaves(variables)}
  assert kinds == {jnp.dtype(jnp.float32)}
