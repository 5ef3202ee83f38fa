"""The cells every contract test runs on (built-in cells in their variants)."""
import jax
import jax.numpy as jnp

from rnnlab import cells, recurrence

HIDDEN = 6
INPUT = 4

CELLS = {
    "elman_tanh": cells.Elman(HIDDEN),
    "elman_relu_orthogonal": cells.Elman(HIDDEN, activation="relu", recurrent_init="orthogonal"),
    "irnn": cells.make_cell("irnn", hidden_size=HIDDEN),
    "lstm": cells.LSTM(HIDDEN),
    "lstm_peephole": cells.LSTM(HIDDEN, peephole=True),
    "lstm_layer_norm": cells.LSTM(HIDDEN, layer_norm=True, peephole=True),
    "gru": cells.GRU(HIDDEN),
    "gru_reset_before": cells.GRU(HIDDEN, reset_after=False),
}


def randomized_params(cell, key, input_size=INPUT, scale=0.5):
  """Params with every leaf random (so peepholes, LN gains and biases are exercised)."""
  params = cell.init(key, input_size)
  leaves, treedef = jax.tree.flatten(params)
  keys = jax.random.split(jax.random.fold_in(key, 1), len(leaves))
  leaves = [leaf + scale * jax.random.normal(k, leaf.shape, leaf.dtype) for k, leaf in zip(keys, leaves)]
  return jax.tree.unflatten(treedef, leaves)


def random_state(cell, key, batch):
  zeros = cell.initial_state((batch,))
  leaves, treedef = jax.tree.flatten(zeros)
  keys = jax.random.split(key, len(leaves))
  return jax.tree.unflatten(treedef, [jax.random.normal(k, l.shape, l.dtype) for k, l in zip(keys, leaves)])


def random_inputs(key, batch, steps, features=INPUT):
  return jax.random.normal(key, (batch, steps, features), jnp.float32)

# State-linear cells (rnnlab.cells.state_linear): they also run with impl="parallel".
LINEAR_CELLS = {
    "mingru": cells.MinGRU(HIDDEN),
    "mingru_plain": cells.MinGRU(HIDDEN, log_space=False),
    "minlstm": cells.MinLSTM(HIDDEN),
    "minlstm_plain": cells.MinLSTM(HIDDEN, log_space=False),
    "lru": cells.LRU(HIDDEN, state_size=5, r_min=0.5, r_max=0.95),
    "rglru": cells.RGLRU(HIDDEN),
}
CELLS.update({name: LINEAR_CELLS[name] for name in ("mingru", "minlstm", "lru", "rglru")})


def run_both_impls(cell, params, xs, state0, lengths=None):
  """``{impl: (final_state, ys)}`` for impl "scan" and "parallel" (same inputs)."""
  return {impl: recurrence.scan(cell, params, xs, lengths=lengths, initial_state=state0, impl=impl)
          for impl in ("scan", "parallel")}
