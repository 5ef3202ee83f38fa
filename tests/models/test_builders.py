"""Model builders from config: cell sections and model.dtype reach every model."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab import training
from rnnlab.models import builders


def _dot_dtypes(jaxpr, inside_loop=False, found=None):
  """``{(operand dtype, inside a scan/while)}`` of every dot_general in ``jaxpr`` (recursive)."""
  found = set() if found is None else found
  for eqn in jaxpr.eqns:
    if eqn.primitive.name == "dot_general":
      found.add((str(eqn.invars[0].aval.dtype), inside_loop))
    loop = inside_loop or eqn.primitive.name in ("scan", "while")
    for value in eqn.params.values():
      for sub in value if isinstance(value, (tuple, list)) else (value,):
        if isinstance(sub, jax.extend.core.ClosedJaxpr):
          _dot_dtypes(sub.jaxpr, loop, found)
        elif isinstance(sub, jax.extend.core.Jaxpr):
          _dot_dtypes(sub, loop, found)
  return found


def _model_config(task):
  config = training.base_config(task).model
  if task == "translation":
    config.update(dict(embed_size=4, encoder_hidden_size=3, decoder_hidden_size=5,
                       attention_size=4))
  else:
    config.hidden_size = 4
  return config


def _build(task, config):
  """(model, init args) for a tiny batch of ``task``."""
  if task == "adding":
    return (builders.build_recurrent_model(config, num_outputs=1, read_out="last"),
            (jnp.ones((2, 5, 2)),))
  if task == "language_model":
    config.embed_size = 4
    return builders.build_language_model(config, 7), (jnp.ones((2, 5), jnp.int32),)
  if task == "translation":
    return (builders.build_seq2seq(config, 7, 8),
            (jnp.ones((2, 5), jnp.int32), jnp.array([5, 3]), jnp.ones((2, 4), jnp.int32)))
  speech = training.base_config("ctc_speech")
  speech.model = config
  speech.data.num_mels = 8
  speech.data.spec_augment = False
  return builders.build_speech_recognizer(speech), (jnp.zeros((2, 4000), jnp.int16),
                                                    jnp.array([4000, 2000]))


TASKS = ("adding", "language_model", "translation", "ctc_speech")


@pytest.mark.parametrize("task", TASKS)
def test_a_cell_hyperparameter_changes_the_parameter_tree(task, key):
  config = _model_config(task)
  model, args = _build(task, config)
  plain = jax.eval_shape(model.init, key, *args)["params"]
  config.lstm.peephole = True
  model, args = _build(task, config)
  peephole = jax.eval_shape(model.init, key, *args)["params"]
  paths = lambda tree: {jax.tree_util.keystr(p) for p, _ in
                        jax.tree_util.tree_flatten_with_path(tree)[0]}
  added = paths(peephole) - paths(plain)
  assert added and all(path.endswith(("['p_i']", "['p_f']", "['p_o']")) for path in added)
  if task == "translation":  # both the encoder and the decoder cell
    assert any("encoder" in path for path in added)
    assert any("decoder_cell" in path for path in added)


@pytest.mark.parametrize("task", TASKS)
def test_bfloat16_reaches_the_recurrence_and_outputs_stay_float32(task, key):
  config = _model_config(task)
  config.dtype = "bfloat16"
  model, args = _build(task, config)
  params = jax.jit(model.init)(key, *args)["params"]
  assert {x.dtype for x in jax.tree.leaves(params)} == {jnp.dtype(jnp.float32)}
  jaxpr = jax.make_jaxpr(lambda p: model.apply({"params": p}, *args))(params).jaxpr
  dots = _dot_dtypes(jaxpr)
  assert ("bfloat16", True) in dots  # h @ w_h inside the scan
  assert ("bfloat16", False) in dots  # the time-parallel input projection / output layer
  out = model.apply({"params": params}, *args)
  logits = out[1] if task == "language_model" else out[0]
  assert logits.dtype == jnp.float32 and np.isfinite(np.asarray(logits)).all()


@pytest.mark.parametrize("task", TASKS)
def test_float32_models_have_no_bfloat16_matmul(task, key):
  config = _model_config(task)
  model, args = _build(task, config)
  params = jax.jit(model.init)(key, *args)["params"]
  jaxpr = jax.make_jaxpr(lambda p: model.apply({"params": p}, *args))(params).jaxpr
  assert {dtype for dtype, _ in _dot_dtypes(jaxpr)} == {"float32"}


def test_speech_constants_match_the_data_sources():
  from rnnlab.data.speech import sources  # pylint: disable=import-outside-toplevel
  assert builders.SPEECH_SAMPLE_RATE == sources.SAMPLE_RATE


def test_language_model_builder_passes_the_block(key):
  config = _model_config("language_model")
  config.cell, config.block = "lru", "residual"
  model, args = _build("language_model", config)
  params = jax.eval_shape(model.init, key, *args)["params"]
  assert model.block == "residual" and "mlp_gate" in params["rnn"]["layer_0"]
