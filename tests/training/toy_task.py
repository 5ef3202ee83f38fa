"""A tiny task for testing the train loop without the recurrent core: a linear RNN whose
final hidden state is carried to the next batch (like truncated BPTT), so the carry's
checkpointing is exercised. ``data.sleep_seconds`` slows the data iterator (for the
kill test); ``data.poison_position`` puts an Inf into that training batch (NaN test)."""
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from rnnlab import tasks


class ToyRNN(nn.Module):
  hidden: int = 4

  @nn.compact
  def __call__(self, xs, h0):
    """xs [B, T, D], h0 [B, H] -> (h_T [B, H], predictions [B, T])."""
    w_x = nn.Dense(self.hidden, name="w_x")
    w_h = nn.Dense(self.hidden, use_bias=False, name="w_h")
    hs = []
    h = h0
    for t in range(xs.shape[1]):
      h = jnp.tanh(w_x(xs[:, t]) + w_h(h))
      hs.append(h)
    out = nn.Dense(1, name="out")(jnp.stack(hs, axis=1))[..., 0]
    return h, out


@tasks.register_task
class ToyCarryTask(tasks.Task):
  name = "toy_carry"

  def default_config(self):
    return ml_collections.ConfigDict(dict(
        data=dict(dim=3, seq_len=4, max_eval_examples=16, sleep_seconds=0.0, poison_position=-1),
        model=dict(hidden=4)))

  def config_choices(self):
    return {"model.hidden": (2, 4, 8)}

  def validate_config(self, config):
    if config.data.seq_len < 1:
      raise ValueError(f"config.data.seq_len must be >= 1, got {config.data.seq_len}")

  def _examples(self, seed, n, config):
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, config.data.seq_len, config.data.dim)).astype(np.float32)
    ys = np.cumsum(xs[..., 0], axis=1).astype(np.float32) * 0.3
    return {"inputs": xs, "targets": ys}

  def train_iterator(self, config, *, batch_size, shard_index=0, shard_count=1):
    def batch_fn(position):
      if config.data.sleep_seconds:
        time.sleep(config.data.sleep_seconds)
      batch = self._examples([config.train.seed, shard_index, position], batch_size, config)
      if position == config.data.poison_position:
        batch["inputs"][0, 0, 0] = np.inf
      return batch
    return tasks.IndexedBatchIterator(batch_fn)

  def eval_batches(self, config, *, batch_size):
    examples = self._examples([99], config.data.max_eval_examples, config)
    for start in range(0, config.data.max_eval_examples - batch_size + 1, batch_size):
      yield {k: v[start:start + batch_size] for k, v in examples.items()}

  def build_model(self, config):
    return ToyRNN(hidden=config.model.hidden)

  def init_params(self, model, config, batch, *, key):
    h0 = jnp.zeros((batch["inputs"].shape[0], config.model.hidden))
    return model.init(key, jnp.asarray(batch["inputs"]), h0)["params"]

  def initial_carry(self, config, *, batch_size):
    return jnp.zeros((batch_size, config.model.hidden), jnp.float32)

  def loss(self, model, params, batch, carry, *, key, train):
    # A little randomness so the per-step key matters for bitwise resume equality.
    noise = 1e-3 * jax.random.normal(key, batch["targets"].shape)
    h, out = model.apply({"params": params}, batch["inputs"], carry)
    loss = jnp.mean(jnp.square(out - batch["targets"] - noise))
    return loss, ({"carry_norm": jnp.linalg.norm(h)}, jax.lax.stop_gradient(h))

  def eval_metric_names(self, config):
    return ("loss", "root_mse")

  def eval_step(self, model, params, batch, carry):
    h, out = model.apply({"params": params}, batch["inputs"], carry)
    err = jnp.square(out - batch["targets"])
    return {"loss": (jnp.sum(err), jnp.asarray(err.size, jnp.float32))}, h

  def finalize_eval_metrics(self, metrics):
    return dict(metrics, root_mse=float(np.sqrt(metrics["loss"])))

  def final_report(self, config, model, params, workdir):
    return {"num_params": float(sum(x.size for x in jax.tree.leaves(params)))}


def toy_config(**train_overrides):
  """A complete, small config for the toy task: 40 steps, eval and checkpoint every 10.

  Keeps the last 2 checkpoints and the best by the *highest* eval loss, so that the best
  (an early step: the loss falls) differs from the latest ones.
  """
  from rnnlab import training  # pylint: disable=import-outside-toplevel
  config = training.base_config("toy_carry")
  config.train.update(dict(batch_size=8, num_steps=40, eval_every=10, checkpoint_every=10,
                           log_every=5, eval_batch_size=8, keep_checkpoints=2,
                           best_metric="loss", best_mode="max"))
  config.train.update(train_overrides)
  config.optimizer.learning_rate = 0.01
  return config
