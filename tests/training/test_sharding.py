"""Data parallelism: 4 simulated CPU devices give the same training as 1 device."""
import jax
import numpy as np

from rnnlab import tasks
from rnnlab import training
from rnnlab.training import sharding
from rnnlab.training.train_state import TrainState
from tests.conftest import FLOAT32_TOL
from tests.training import toy_task  # noqa: F401  (registers the toy task)


def _train(devices, num_steps=4):
  """Losses and final params of ``num_steps`` toy-task steps on a mesh over ``devices``."""
  config = toy_task.toy_config()
  task = tasks.get_task("toy_carry")
  mesh = sharding.make_mesh(devices)
  model = task.build_model(config)
  tx, schedule = training.make_optimizer(config.optimizer, num_steps=num_steps)
  iterator = task.train_iterator(config, batch_size=config.train.batch_size)
  params = task.init_params(model, config, next(iterator), key=jax.random.key(0))
  iterator.set_state({"position": 0})
  state = sharding.replicate(TrainState(
      step=np.int32(0), params=params, opt_state=tx.init(params),
      carry=task.initial_carry(config, batch_size=config.train.batch_size)), mesh)
  step = jax.jit(training.make_train_step(task, model, tx, schedule))
  losses = []
  for _ in range(num_steps):
    batch = sharding.shard_batch(next(iterator), mesh)
    assert len(batch["inputs"].sharding.device_set) == len(devices)
    assert batch["inputs"].addressable_shards[0].data.shape[0] == 8 // len(devices)
    state, metrics = step(state, batch, key=jax.random.key(1))
    losses.append(float(metrics["loss"]))
  return np.array(losses), jax.device_get(state.params)


def test_four_devices_match_one_device():
  assert jax.device_count() == 4  # tests/conftest.py simulates 4 CPU devices
  losses_4, params_4 = _train(jax.devices())
  losses_1, params_1 = _train(jax.devices()[:1])
  # FLOAT32_TOL (conftest): the cross-device reduction sums in a different order.
  np.testing.assert_allclose(losses_4, losses_1, **FLOAT32_TOL)
  for a, b in zip(jax.tree.leaves(params_4), jax.tree.leaves(params_1)):
    np.testing.assert_allclose(a, b, **FLOAT32_TOL)
