"""third_party.torch_bridge: rnnlab and PyTorch agree on outputs, final states and gradients.

Every comparison runs a PyTorch module and the rnnlab stack built from its weights on the same
random inputs, padded batches via ``pack_padded_sequence`` against rnnlab ``lengths``, and
compares ``ys``, ``h_n``, ``c_n`` and the gradients of one random linear functional of all
three w.r.t. the params, the inputs and the initial states. Tolerance: float32
``rtol=atol=1e-5`` (tests/conftest.py policy); round trips are compared exactly.
"""
import ast
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import cells, recurrence
from rnnlab.nn import StackedRNN, stacked_params_to_list

torch = pytest.importorskip("torch")
# Imported only after torch is known to be there; a failure here is a real error, not a skip.
# `python -m pytest` (make test) puts the repo root on sys.path, which holds third_party/.
import third_party.torch_bridge as tb  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)
B, T, D, H = 3, 5, 4, 6
LENGTHS = (5, 2, 4)  # unsorted on purpose: pack_padded_sequence(enforce_sorted=False)
MODES = ("rnn_tanh", "rnn_relu", "lstm", "gru")
REPO = pathlib.Path(__file__).resolve().parents[2]


def _torch_module(mode, *, num_layers=1, bidirectional=False, batch_first=False, bias=True,
                  seed=0, **kwargs):
  torch.manual_seed(seed)
  common = dict(input_size=D, hidden_size=H, num_layers=num_layers, bias=bias,
                batch_first=batch_first, bidirectional=bidirectional, **kwargs)
  if mode == "lstm":
    return torch.nn.LSTM(**common)
  if mode == "gru":
    return torch.nn.GRU(**common)
  return torch.nn.RNN(nonlinearity=mode.removeprefix("rnn_"), **common)


def _run_torch(module, xs, lengths, h0, c0, cot):
  """Forward + backward of the PyTorch module; returns NumPy outputs and gradients."""
  x = torch.tensor(xs, requires_grad=True)
  hx = None
  if h0 is not None:
    h0_t = torch.tensor(h0, requires_grad=True)
    c0_t = torch.tensor(c0, requires_grad=True) if c0 is not None else None
    hx = (h0_t, c0_t) if c0 is not None else h0_t
  if lengths is None:
    ys, state = module(x, hx)
  else:
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        x, torch.tensor(lengths), batch_first=module.batch_first, enforce_sorted=False)
    out, state = module(packed, hx)
    ys, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=module.batch_first,
                                                   total_length=T)
  h_n, c_n = state if isinstance(state, tuple) else (state, None)
  loss = (ys * torch.tensor(cot["ys"])).sum() + (h_n * torch.tensor(cot["h"])).sum()
  if c_n is not None:
    loss = loss + (c_n * torch.tensor(cot["c"])).sum()
  module.zero_grad()
  loss.backward()
  out = {"loss": loss.item(), "ys": ys.detach().numpy(), "h_n": h_n.detach().numpy(),
         "c_n": None if c_n is None else c_n.detach().numpy(), "d_xs": x.grad.numpy(),
         "d_params": {name: p.grad.numpy() for name, p in module.named_parameters()}}
  if h0 is not None:
    out["d_h0"] = h0_t.grad.numpy()
    out["d_c0"] = None if c0 is None else c0_t.grad.numpy()
  return out


def _grads_in_rnnlab_layout(imported, torch_grads):
  """PyTorch parameter gradients -> rnnlab's layout.

  rnnlab's single bias ``b`` enters as ``bias_ih + bias_hh``, so ``d/db = d/dbias_ih``
  (= ``d/dbias_hh``): dropping ``bias_hh`` grads before the import (missing biases import as
  zeros) gives exactly that. The GRU keeps both biases, so nothing is dropped for it.
  """
  is_gru = isinstance(imported.cells[0], cells.GRU)
  kept = {name: g for name, g in torch_grads.items() if is_gru or not name.startswith("bias_hh")}
  return tb.params_from_state_dict(imported.cells, kept, imported.bidirectional)


def _assert_trees_close(actual, expected, **tol):
  assert jax.tree.structure(actual) == jax.tree.structure(expected)
  for a, e in zip(jax.tree.leaves(actual), jax.tree.leaves(expected)):
    np.testing.assert_allclose(np.asarray(a), np.asarray(e), **tol)


# (num_layers, bidirectional, batch_first, padded, initial_state). batch_first only changes
# the data layout, so one batch-first case per mode covers it; the flax test adds a padded,
# bidirectional batch-first one.
CONFIGS = {
    "1layer-batchfirst": (1, False, True, False, False),
    "2layers-timemajor-padded-h0": (2, False, False, True, True),
    "2layers-bidir-timemajor-padded-h0": (2, True, False, True, True),
}


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("mode", MODES)
def test_outputs_states_and_gradients_match_torch(mode, config):
  num_layers, bidirectional, batch_first, padded, with_h0 = CONFIGS[config]
  module = _torch_module(mode, num_layers=num_layers, bidirectional=bidirectional,
                         batch_first=batch_first, seed=MODES.index(mode))
  imported = tb.from_torch(module)
  assert imported.batch_first == batch_first and imported.bidirectional == bidirectional
  assert len(imported.cells) == num_layers

  rng = np.random.default_rng(len(config) + MODES.index(mode))
  dirs = 2 if bidirectional else 1
  xs = rng.normal(size=(B, T, D) if batch_first else (T, B, D)).astype(np.float32)
  ys_shape = (B, T, dirs * H) if batch_first else (T, B, dirs * H)
  state_shape = (num_layers * dirs, B, H)
  cot = {"ys": rng.normal(size=ys_shape), "h": rng.normal(size=state_shape),
         "c": rng.normal(size=state_shape)}
  cot = {k: v.astype(np.float32) for k, v in cot.items()}
  lengths = LENGTHS if padded else None
  is_lstm = mode == "lstm"
  h0 = rng.normal(size=state_shape).astype(np.float32) if with_h0 else None
  c0 = rng.normal(size=state_shape).astype(np.float32) if (with_h0 and is_lstm) else None

  expected = _run_torch(module, xs, lengths, h0, c0, cot)

  cell = imported.cells[0]

  def loss_fn(params, xs, h0, c0):
    initial_states = None
    if h0 is not None:
      initial_states = tb.states_from_torch(cell, h0, c0, num_layers=num_layers,
                                            bidirectional=bidirectional)
    final_states, ys = imported.apply(
        xs, None if lengths is None else jnp.asarray(lengths), initial_states, params=params)
    h_n, c_n = tb.states_to_torch(cell, final_states, bidirectional=bidirectional)
    loss = jnp.sum(ys * cot["ys"]) + jnp.sum(h_n * cot["h"])
    if c_n is not None:
      loss = loss + jnp.sum(c_n * cot["c"])
    return loss, (ys, h_n, c_n)

  loss_and_grads = jax.jit(jax.value_and_grad(loss_fn, argnums=(0, 1, 2, 3), has_aux=True))
  (loss, (ys, h_n, c_n)), grads = loss_and_grads(imported.params, jnp.asarray(xs), h0, c0)
  d_params, d_xs, d_h0, d_c0 = grads

  np.testing.assert_allclose(ys, expected["ys"], **TOL)
  np.testing.assert_allclose(h_n, expected["h_n"], **TOL)
  if is_lstm:
    np.testing.assert_allclose(c_n, expected["c_n"], **TOL)
  else:
    assert c_n is None
  if padded:  # padded steps are zero on both sides
    valid = np.arange(T)[:, None] < np.asarray(LENGTHS)[None, :]  # [T, B]
    mask = valid.T if batch_first else valid
    assert not np.any(np.asarray(ys)[~mask])
  np.testing.assert_allclose(loss, expected["loss"], **TOL)
  np.testing.assert_allclose(d_xs, expected["d_xs"], **TOL)
  _assert_trees_close(d_params, _grads_in_rnnlab_layout(imported, expected["d_params"]), **TOL)
  if with_h0:
    np.testing.assert_allclose(d_h0, expected["d_h0"], **TOL)
    if is_lstm:
      np.testing.assert_allclose(d_c0, expected["d_c0"], **TOL)


@pytest.mark.parametrize("mode", MODES)
def test_round_trip_torch_rnnlab_torch_is_exact(mode):
  module = _torch_module(mode, num_layers=2, bidirectional=True, seed=7)
  imported = tb.from_torch(module)
  back = tb.to_torch(imported.cells, imported.params, bidirectional=True)
  assert type(back) is type(module)
  assert (back.mode, back.hidden_size, back.num_layers, back.input_size) == (
      module.mode, module.hidden_size, module.num_layers, module.input_size)
  before = {k: v.numpy() for k, v in module.state_dict().items()}
  after = {k: v.numpy() for k, v in back.state_dict().items()}
  assert sorted(before) == sorted(after)
  for name in before:
    if name.startswith("weight") or mode == "gru":
      np.testing.assert_array_equal(after[name], before[name], err_msg=name)
    elif name.startswith("bias_ih"):  # the two PyTorch biases are summed (one float32 add) ...
      summed = before[name] + before[name.replace("bias_ih", "bias_hh")]
      np.testing.assert_array_equal(after[name], summed, err_msg=name)
    else:  # ... and bias_hh comes back as zeros
      np.testing.assert_array_equal(after[name], np.zeros_like(before[name]), err_msg=name)


@pytest.mark.parametrize("mode", MODES)
def test_round_trip_rnnlab_torch_rnnlab_is_exact(mode):
  module = _torch_module(mode)  # only to pick the cell kind through the bridge
  cell = tb.cells_from_torch(module)[0]
  keys = jax.random.split(jax.random.key(3), 4)
  params = [{direction: cell.init(k, size) for direction, k in zip(("forward", "backward"), ks)}
            for ks, size in zip((keys[:2], keys[2:]), (D, 2 * H))]
  # init gives zero biases: make them random so the round trip of biases is tested too
  rng = np.random.default_rng(4)
  params = jax.tree.map(lambda p: np.asarray(p) + rng.normal(size=p.shape).astype(np.float32),
                        params)
  back = tb.from_torch(tb.to_torch(cell, params, bidirectional=True)).params
  assert jax.tree.structure(back) == jax.tree.structure(params)
  for a, e in zip(jax.tree.leaves(back), jax.tree.leaves(params)):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(e))


@pytest.mark.parametrize("bidirectional", [False, True])
def test_stacked_rnn_flax_variables_match_torch(bidirectional):
  module = _torch_module("lstm", num_layers=2, bidirectional=bidirectional, batch_first=True,
                         seed=11)
  imported = tb.from_torch(module)
  model, variables = imported.stacked_rnn(), imported.variables()
  xs = np.random.default_rng(0).normal(size=(B, T, D)).astype(np.float32)

  reference = jax.eval_shape(model.init, jax.random.key(0), jnp.asarray(xs))
  assert jax.tree.structure(variables) == jax.tree.structure(reference)
  assert [p.shape for p in jax.tree.leaves(variables)] == [
      p.shape for p in jax.tree.leaves(reference)]
  assert jax.tree.all(jax.tree.map(
      lambda a, b: bool(jnp.all(a == b)),
      stacked_params_to_list(variables, 2, bidirectional), imported.params))

  final_states, ys = jax.jit(model.apply)(variables, jnp.asarray(xs), jnp.asarray(LENGTHS))
  cot = {"ys": np.zeros((B, T, (2 if bidirectional else 1) * H), np.float32),
         "h": np.zeros((2 * (2 if bidirectional else 1), B, H), np.float32)}
  cot["c"] = cot["h"]
  expected = _run_torch(module, xs, LENGTHS, None, None, cot)
  h_n, c_n = tb.states_to_torch(imported.cells[0], final_states, bidirectional=bidirectional)
  np.testing.assert_allclose(ys, expected["ys"], **TOL)
  np.testing.assert_allclose(h_n, expected["h_n"], **TOL)
  np.testing.assert_allclose(c_n, expected["c_n"], **TOL)

  back = tb.stacked_to_torch(model, variables, batch_first=True)
  assert back.batch_first and back.bidirectional == bidirectional
  for name, tensor in back.state_dict().items():
    if name.startswith("weight"):
      np.testing.assert_array_equal(tensor.numpy(), module.state_dict()[name].numpy())


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_module_without_bias_imports_zero_biases(mode):
  module = _torch_module(mode, bias=False, batch_first=True)
  imported = tb.from_torch(module)
  for name in ("b", "b_x", "b_h"):
    if name in imported.params[0]:
      assert not np.any(np.asarray(imported.params[0][name]))
  xs = np.random.default_rng(1).normal(size=(B, T, D)).astype(np.float32)
  _, ys = imported.apply(jnp.asarray(xs))
  np.testing.assert_allclose(ys, module(torch.tensor(xs))[0].detach().numpy(), **TOL)

  tb.load_into_torch(module, imported.cells, imported.params)  # zero biases: accepted
  bias_name = "b_x" if mode == "gru" else "b"
  nonzero = [{**imported.params[0], bias_name: imported.params[0][bias_name] + 1.0}]
  with pytest.raises(ValueError, match="bias=False"):
    tb.load_into_torch(module, imported.cells, nonzero)


def test_low_precision_dtypes_convert_through_float32():
  module = _torch_module("gru").to(torch.bfloat16)
  imported = tb.from_torch(module)  # param_dtype float32 by default
  for name, tensor in module.state_dict().items():
    kind, layer = name.rsplit("_l", 1)
    layer_params = imported.params[int(layer)]
    rnnlab_name = {"weight_ih": "w_x", "weight_hh": "w_h", "bias_ih": "b_x", "bias_hh": "b_h"}[kind]
    value = np.asarray(layer_params[rnnlab_name])
    assert value.dtype == np.float32
    np.testing.assert_array_equal(value.T if kind.startswith("weight") else value,
                                  tensor.float().numpy())
  bf16 = tb.from_torch(module, param_dtype=jnp.bfloat16)
  assert all(p.dtype == jnp.bfloat16 for p in jax.tree.leaves(bf16.params))
  back = tb.to_torch(bf16.cells, bf16.params)  # bfloat16 params -> float32 PyTorch module
  for name, tensor in back.state_dict().items():
    np.testing.assert_array_equal(tensor.numpy(), module.state_dict()[name].float().numpy())


def test_states_round_trip_and_layout():
  cell = cells.LSTM(hidden_size=H)
  rng = np.random.default_rng(2)
  h0, c0 = rng.normal(size=(2, 4, B, H)).astype(np.float32)
  states = tb.states_from_torch(cell, h0, c0, num_layers=2, bidirectional=True)
  (c_fw1, h_fw1), (c_bw1, h_bw1) = states[1]  # layer 1: rows 2 (forward) and 3 (backward)
  np.testing.assert_array_equal(h_fw1, h0[2])
  np.testing.assert_array_equal(c_bw1, c0[3])
  h_n, c_n = tb.states_to_torch(cell, states, bidirectional=True)
  np.testing.assert_array_equal(h_n, h0)
  np.testing.assert_array_equal(c_n, c0)
  with pytest.raises(ValueError, match="c_0 is required"):
    tb.states_from_torch(cell, h0, num_layers=2, bidirectional=True)
  with pytest.raises(ValueError, match="c_0 is only allowed"):
    tb.states_from_torch(cells.GRU(hidden_size=H), h0, c0, num_layers=2, bidirectional=True)
  with pytest.raises(ValueError, match="h_0 has shape"):
    tb.states_from_torch(cell, h0, c0, num_layers=1, bidirectional=True)


class _MyCell(cells.Elman):
  """A researcher's subclass: may change the maths, so it has no PyTorch equivalent."""


@pytest.mark.parametrize("cell, match", [
    (cells.LSTM(hidden_size=H, peephole=True), "peephole"),
    (cells.LSTM(hidden_size=H, layer_norm=True), "layer_norm"),
    (cells.GRU(hidden_size=H, reset_after=False), "reset_after"),
    (_MyCell(hidden_size=H), "no PyTorch equivalent"),
])
def test_cells_without_torch_equivalent_raise(cell, match):
  params = [cell.init(jax.random.key(0), D)]
  with pytest.raises(ValueError, match=match):
    tb.to_torch(cell, params)
  with pytest.raises(ValueError, match=match):
    tb.params_to_state_dict([cell], params)


def test_unsupported_modules_and_mismatches_raise():
  with pytest.raises(ValueError, match="proj_size"):
    tb.from_torch(torch.nn.LSTM(D, H, proj_size=2))
  with pytest.raises(ValueError, match="not a PyTorch nn.RNN"):
    tb.from_torch(torch.nn.Linear(D, H))
  lstm = cells.LSTM(hidden_size=H)
  params = [lstm.init(jax.random.key(0), D), cells.GRU(hidden_size=H).init(jax.random.key(1), H)]
  with pytest.raises(ValueError, match="same cell kind and hidden size"):
    tb.to_torch([lstm, cells.GRU(hidden_size=H)], params)
  with pytest.raises(ValueError, match="same cell kind and hidden size"):
    tb.to_torch([lstm, cells.LSTM(hidden_size=H + 1)], params)
  one_layer = [lstm.init(jax.random.key(0), D)]
  with pytest.raises(ValueError, match="num_layers"):
    tb.load_into_torch(torch.nn.LSTM(D, H, num_layers=2), [lstm], one_layer)
  with pytest.raises(ValueError, match="num_layers"):
    tb.load_into_torch(torch.nn.GRU(D, H), [lstm], one_layer)
  with pytest.raises(ValueError, match="input_size=5"):
    tb.load_into_torch(torch.nn.LSTM(D + 1, H), [lstm], one_layer)
  with pytest.raises(ValueError, match="w_x has shape"):
    tb.params_to_state_dict([cells.LSTM(hidden_size=H + 1)], one_layer)
  with pytest.raises(ValueError, match="w_h has shape"):
    tb.params_to_state_dict([lstm], [{**one_layer[0], "w_h": one_layer[0]["w_h"][1:]}])
  residual = StackedRNN(cells=(lstm, lstm), residual=True)
  with pytest.raises(ValueError, match="residual"):
    tb.stacked_to_torch(residual, tb.stacked_variables([one_layer[0], one_layer[0]]))


def test_stack_of_imported_module_is_recurrence_stack():
  """``TorchImport.apply`` is ``recurrence.stack`` with the module's layout flags (time-major)."""
  module = _torch_module("rnn_relu", num_layers=2)
  imported = tb.from_torch(module)
  xs = jnp.asarray(np.random.default_rng(3).normal(size=(T, B, D)).astype(np.float32))
  _, ys = imported.apply(xs)
  _, ys_bm = recurrence.stack(imported.cells, imported.params, jnp.swapaxes(xs, 0, 1))
  np.testing.assert_array_equal(ys, jnp.swapaxes(ys_bm, 0, 1))


def test_rnnlab_never_imports_torch():
  """Static check: no module under rnnlab/ imports torch (the bridge lives in third_party/)."""
  offenders = []
  for path in sorted((REPO / "rnnlab").rglob("*.py")):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
      names = []
      if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
      elif isinstance(node, ast.ImportFrom) and node.module:
        names = [node.module]
      offenders += [f"{path.relative_to(REPO)}: {n}" for n in names
                    if n.split(".")[0] in ("torch", "third_party")]
  assert not offenders, offenders
