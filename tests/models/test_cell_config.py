"""Cell config sections come from the registry: keys, defaults, a new cell, bad keys."""
import dataclasses

import jax.numpy as jnp
import ml_collections
import pytest

from rnnlab import cells
from rnnlab.models import cell_config


def test_sections_hold_each_cells_own_hyperparameters_and_defaults():
  config = cell_config.default_model_config()
  assert config.cell == "lstm" and config.dtype == "float32"
  assert set(config.lstm) == {"input_init", "recurrent_init", "init_scale", "forget_bias",
                              "peephole", "layer_norm"}
  assert config.lstm.forget_bias == 1.0 and config.lstm.peephole is False
  assert config.gru.reset_after is True and config.elman.activation == "tanh"
  # irnn is a factory function: its section comes from its signature.
  assert config.irnn.activation == "relu" and config.irnn.recurrent_init == "identity"
  for name in cells.CELLS:
    assert not set(config[name]) & set(cells.MODEL_KEYS)
  # A None default is a typed placeholder, so a flag can set it (float here).
  config.lstm.init_scale = 0.1
  assert config.lstm.init_scale == 0.1


def test_cells_take_the_section_hidden_size_and_dtype():
  config = cell_config.default_model_config()
  config.update(dict(cell="gru", num_layers=2, hidden_size=6, dtype="bfloat16"))
  config.gru.reset_after = False
  built = cell_config.make_cells(config)
  assert built == (cells.GRU(6, reset_after=False, dtype=jnp.bfloat16),) * 2


@dataclasses.dataclass(frozen=True)
class _Scaled(cells.Elman):
  """An Elman RNN with one extra hyperparameter (a researcher's own cell)."""
  scale: float = 2.0


def test_a_registered_cell_gets_its_section_automatically():
  cells.register_cell("scaled_elman_test", _Scaled)
  try:
    config = cell_config.default_model_config()
    assert config.scaled_elman_test.scale == 2.0
    assert config.scaled_elman_test.activation == "tanh"
    config.cell = "scaled_elman_test"
    config.scaled_elman_test.scale = 3.0
    assert cell_config.make_cells(config)[0].scale == 3.0
  finally:
    del cells.CELLS["scaled_elman_test"]


def test_a_factory_without_defaults_is_refused_at_registration():
  def needs_width(hidden_size, width):
    return cells.Elman(hidden_size)

  with pytest.raises(ValueError, match="hyperparameter 'width' has no default"):
    cells.register_cell("needs_width_test", needs_width)
  assert "needs_width_test" not in cells.CELLS


def test_unknown_key_names_the_cell_and_its_allowed_keys():
  config = cell_config.default_model_config()
  with config.unlocked():
    config.lstm.peepholes = True
  with pytest.raises(ValueError, match=r"config.model.lstm.peepholes: cell 'lstm' has no "
                     r"hyperparameter 'peepholes'; allowed keys: \['forget_bias', "):
    cell_config.make_cells(config)


def test_bad_dtype_and_bad_value_are_clear_errors():
  config = cell_config.default_model_config()
  config.dtype = "float16"
  with pytest.raises(ValueError, match=r"config.model.dtype='float16'; allowed: "
                     r"\('float32', 'bfloat16'\)"):
    cell_config.validate_model_config(config)
  config = cell_config.default_model_config()
  config.lstm.recurrent_init = "zeros"
  with pytest.raises(ValueError, match="config.model.lstm .hyperparameters of cell 'lstm'"):
    cell_config.validate_model_config(config)


def test_config_is_json_round_trippable():
  config = cell_config.default_model_config()
  again = ml_collections.ConfigDict(config.to_dict())
  assert again.lstm.init_scale is None and again.lstm.forget_bias == 1.0


@pytest.mark.parametrize("changes, message", [
    (dict(bidirectional=True), r"config.model.block='residual' runs forward only; allowed with "
     r"it: config.model.bidirectional=False"),
    (dict(embed_size=8, hidden_size=16), r"config.model.block='residual' keeps the width: the "
     r"first layer reads config.model.embed_size=8 features but config.model.hidden_size=16"),
])
def test_residual_block_misfits_are_refused_at_validation(changes, message):
  # Issue 18 (new-user pass): block=residual with a bidirectional classifier was refused only
  # when the model was built, after the data set was generated and vocab.json written.
  config = cell_config.default_model_config()
  config.update(dict(block="residual", bidirectional=False, embed_size=16, hidden_size=16))
  cell_config.validate_model_config(config)
  config.update(changes)
  with pytest.raises(ValueError, match=message):
    cell_config.validate_model_config(config)
  config.update(dict(block="none"))
  cell_config.validate_model_config(config)
