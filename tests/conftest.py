"""Test-wide settings: strict numerics and simulated devices.

* ``jax_numpy_rank_promotion="raise"``: an accidental broadcast between arrays of
  different rank is an error, not a silent bug.
* four simulated CPU devices (``--xla_force_host_platform_device_count=4``), set before
  JAX initialises its backend, so sharding code is exercised on any machine.
* ``--xla_backend_optimization_level=0``: the tests' programs are tiny, so their cost is
  XLA's compilation, not running them; LLVM's optimisation passes made compiling one
  ``jax.random.normal`` take ~2 s instead of ~0.3 s on the 2-core machine and the slowest
  model tests ~2x slower. Optimisation changes no semantics (XLA's CPU fast-math is off
  either way). Speed is measured by the benchmarks run outside pytest, at the default
  level; their smoke tests here assert no speed. A level already set in ``XLA_FLAGS`` is
  kept.

Tolerance policy (used by every test that compares two implementations): float32
comparisons use ``rtol=atol=1e-5`` unless the test states a different, written-down
tolerance with its reason next to it; tolerances are never loosened to make a test pass.
"""
import os

os.environ.setdefault("XLA_FLAGS", "")
for _name, _value in (("xla_force_host_platform_device_count", 4),
                      ("xla_backend_optimization_level", 0)):
  if _name not in os.environ["XLA_FLAGS"]:  # a value the caller set is kept
    os.environ["XLA_FLAGS"] += f" --{_name}={_value}"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import jax  # noqa: E402
import pytest  # noqa: E402

jax.config.update("jax_numpy_rank_promotion", "raise")

FLOAT32_TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture
def key():
  """A fixed PRNG key; tests split it into named subkeys."""
  return jax.random.key(0)
