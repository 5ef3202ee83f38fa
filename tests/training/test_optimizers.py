"""optimizers: schedule values, clipping rules, every optimizer trains, bad names raise."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from rnnlab.training import optimizers


def _opt(**overrides):
  opt = optimizers.default_optimizer_config()
  opt.update(overrides)
  return opt


def _lrs(schedule, steps):
  return np.array([float(schedule(s)) for s in steps])


def test_step_decay_is_constant_for_k_epochs_then_multiplies_each_epoch():
  # Zaremba et al. 2014 style: 10 steps per epoch, constant for 2 epochs, then x0.5 per epoch.
  schedule = optimizers.make_schedule(
      _opt(learning_rate=1.0, schedule="step_decay", steps_per_epoch=10, decay_start_epoch=2,
           decay_factor=0.5), num_steps=100)
  np.testing.assert_allclose(_lrs(schedule, [0, 9, 19, 20, 29, 30, 45]),
                             [1, 1, 1, 0.5, 0.5, 0.25, 0.125], rtol=1e-6)
  # The task's epoch length is used when the config says 0.
  from_task = optimizers.make_schedule(
      _opt(learning_rate=1.0, schedule="step_decay", decay_start_epoch=1), num_steps=100,
      steps_per_epoch=5)
  np.testing.assert_allclose(_lrs(from_task, [4, 5, 10]), [1, 0.5, 0.25], rtol=1e-6)
  with pytest.raises(ValueError, match="needs optimizer.steps_per_epoch > 0"):
    optimizers.make_schedule(_opt(schedule="step_decay"), num_steps=10)


def test_exponential_cosine_and_warmup():
  exponential = optimizers.make_schedule(
      _opt(learning_rate=2.0, schedule="exponential", decay_steps=10, decay_factor=0.1),
      num_steps=100)
  np.testing.assert_allclose(_lrs(exponential, [0, 5, 10, 20]),
                             [2.0, 2.0 * 0.1 ** 0.5, 0.2, 0.02], rtol=1e-5)
  cosine = optimizers.make_schedule(
      _opt(learning_rate=1.0, schedule="cosine", min_learning_rate_ratio=0.1), num_steps=100)
  np.testing.assert_allclose(_lrs(cosine, [0, 50, 100]), [1.0, 0.55, 0.1], rtol=1e-5)
  warm = optimizers.make_schedule(
      _opt(learning_rate=1.0, schedule="cosine", warmup_steps=10), num_steps=110)
  np.testing.assert_allclose(_lrs(warm, [0, 5, 10, 60, 110]), [0.0, 0.5, 1.0, 0.5, 0.0],
                             atol=1e-6)
  warm_constant = optimizers.make_schedule(_opt(learning_rate=0.3, warmup_steps=4),
                                           num_steps=10)
  np.testing.assert_allclose(_lrs(warm_constant, [0, 2, 4, 9]), [0.0, 0.15, 0.3, 0.3],
                             rtol=1e-6)


@pytest.mark.parametrize("clip, expected", [
    ("global_norm", [0.6, 0.8]),  # [3, 4] has norm 5 -> rescaled to norm 1
    ("value", [1.0, 1.0]),  # seed 003: each component clipped to [-1, 1]
    ("none", [3.0, 4.0]),
])
def test_clipping(clip, expected):
  tx = optimizers.make_clipping(_opt(clip=clip, clip_norm=1.0, clip_value=1.0))
  grads = {"w": jnp.array([3.0, 4.0])}
  updates, _ = tx.update(grads, tx.init(grads))
  np.testing.assert_allclose(updates["w"], expected, rtol=1e-6)


@pytest.mark.parametrize("name", optimizers.OPTIMIZERS)
def test_every_optimizer_minimizes_a_quadratic(name):
  lr = {"sgd": 0.1, "momentum": 0.05, "adagrad": 0.5}.get(name, 0.05)
  tx, schedule = optimizers.make_optimizer(_opt(name=name, learning_rate=lr, clip="none"),
                                           num_steps=100)
  params = {"w": jnp.array([2.0, -3.0])}
  loss = lambda p: jnp.sum(jnp.square(p["w"]))  # noqa: E731
  state = tx.init(params)

  @jax.jit
  def step(params, state):
    updates, state = tx.update(jax.grad(loss)(params), state, params)
    return optax.apply_updates(params, updates), state

  for _ in range(100):
    params, state = step(params, state)
  assert float(loss(params)) < 0.05 * 13.0, name
  assert float(schedule(0)) == pytest.approx(lr)


def test_unknown_names_raise_with_the_choices():
  with pytest.raises(ValueError, match=r"unknown optimizer.name 'lamb'; allowed: \('sgd'"):
    optimizers.make_optimizer(_opt(name="lamb"), num_steps=1)
  with pytest.raises(ValueError, match=r"unknown optimizer.schedule 'poly'"):
    optimizers.make_schedule(_opt(schedule="poly"), num_steps=1)
  with pytest.raises(ValueError, match=r"unknown optimizer.clip 'norm'"):
    optimizers.make_clipping(_opt(clip="norm"))
