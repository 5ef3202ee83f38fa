"""--import: a researcher's own cell, defined outside the package, trained from rnnlab.main."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from rnnlab import user_imports

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Minimal gated unit (Zhou et al. 2016): f = sigmoid(W_f x + U_f h + b_f),
# n = tanh(W_n x + U_n (f * h) + b_n), h' = (1 - f) * h + f * n.
MGU_MODULE = textwrap.dedent('''
    import dataclasses
    import jax
    import jax.numpy as jnp
    from rnnlab import cells

    @dataclasses.dataclass(frozen=True)
    class MGU(cells.RecurrentCell):
      forget_bias: float = 0.0
      num_gates = 2

      def _init_params(self, *, input_key, recurrent_key, extra_key, input_size):
        del extra_key
        b = jnp.zeros((2 * self.hidden_size,), self.param_dtype)
        return {"w_x": self._input_weights(input_key, input_size),
                "w_h": self._recurrent_weights(recurrent_key),
                "b": b.at[:self.hidden_size].set(self.forget_bias)}

      def step(self, params, state, gx_t):
        h, hid = state, self.hidden_size
        gx_f, gx_n = cells.split_gates(gx_t.astype(self.state_dtype), 2)
        w_h = params["w_h"].astype(self.dtype)
        f = jax.nn.sigmoid(gx_f + (h.astype(self.dtype) @ w_h[:, :hid]).astype(self.state_dtype))
        n = jnp.tanh(gx_n + ((f * h).astype(self.dtype) @ w_h[:, hid:]).astype(self.state_dtype))
        h_new = (1.0 - f) * h + f * n
        return h_new, h_new.astype(self.dtype)

    cells.register_cell("mgu", MGU)
''')


def test_modules_from_argv_both_spellings_in_order():
  argv = ["prog", "--import=a.b", "--config=x.py", "--import", "c", "--workdir=w"]
  assert user_imports.modules_from_argv(argv) == ["a.b", "c"]
  assert user_imports.modules_from_argv(["prog", "--", "--import=x"]) == []


def test_bad_module_names_are_clear_errors():
  with pytest.raises(ValueError, match=r"--import='a b' is not a module name"):
    user_imports.import_modules(["a b"])
  with pytest.raises(ValueError, match="--import=no_such_module_xyz: cannot import it"):
    user_imports.import_modules(["no_such_module_xyz"])


@pytest.mark.slow
def test_own_cell_trains_from_rnnlab_main_with_its_hyperparameter(tmp_path):
  module_dir = tmp_path / "user_code"
  module_dir.mkdir()
  (module_dir / "my_cells.py").write_text(MGU_MODULE)
  workdir = tmp_path / "run"
  env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(module_dir), _REPO]))
  result = subprocess.run(
      [sys.executable, "-m", "rnnlab.main", "--import=my_cells",
       "--config=configs/adding.py:debug", f"--workdir={workdir}",
       "--config.model.cell=mgu", "--config.model.mgu.forget_bias=1.5",
       "--config.train.num_steps=4", "--config.train.eval_every=4",
       "--config.train.checkpoint_every=4"],
      cwd=_REPO, env=env, capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  with open(workdir / "config.json") as f:
    config = json.load(f)
  assert config["model"]["cell"] == "mgu" and config["model"]["mgu"]["forget_bias"] == 1.5
  with open(workdir / "final_metrics.json") as f:
    final = json.load(f)
  assert final["status"] == "completed" and final["step"] == 4
  # Without --import the cell does not exist: the override of its section is refused.
  missing = subprocess.run(
      [sys.executable, "-m", "rnnlab.main", "--config=configs/adding.py:debug",
       f"--workdir={tmp_path / 'other'}", "--config.model.cell=mgu",
       "--config.model.mgu.forget_bias=1.5"],
      cwd=_REPO, env=env, capture_output=True, text=True, timeout=600)
  assert missing.returncode != 0 and "mgu" in missing.stderr
