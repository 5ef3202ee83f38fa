"""A few optimizer steps of a task's own loss (for dtype and hyperparameter checks)."""
import jax
import jax.numpy as jnp
import numpy as np
import optax


def train_a_few_steps(task, config, *, steps: int = 3, key=None) -> list[float]:
  """Runs ``steps`` Adam steps of ``task.loss`` on its first training batches; the losses."""
  key = jax.random.key(0) if key is None else key
  model = task.build_model(config)
  batch_size = config.train.batch_size
  iterator = task.train_iterator(config, batch_size=batch_size)
  batch = next(iterator)
  params = task.init_params(model, config, batch, key=key)
  carry = task.initial_carry(config, batch_size=batch_size)
  optimizer = optax.adam(1e-2)
  opt_state = optimizer.init(params)

  @jax.jit
  def step(params, opt_state, batch, carry, key):
    def objective(p):
      return task.loss(model, p, batch, carry, key=key, train=True)
    (loss, (_, carry)), grads = jax.value_and_grad(objective, has_aux=True)(params)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, carry, loss

  losses = []
  for i in range(steps):
    params, opt_state, carry, loss = step(params, opt_state, batch, carry,
                                          jax.random.fold_in(key, i))
    assert loss.dtype == jnp.float32
    losses.append(float(loss))
    batch = next(iterator)
  assert all(np.isfinite(losses)), losses
  assert {x.dtype for x in jax.tree.leaves(params)} == {jnp.dtype(jnp.float32)}
  return losses
