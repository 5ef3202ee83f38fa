import jax.numpy as jnp
import numpy as np
import pytest

from rnnlab.decoding import greedy_search
from tests.decoding import toy_decoder as toy


def _python_greedy(params, static, dynamic, row, max_length):
  st = {k: v[row:row + 1] for k, v in static.items()}
  dyn = {k: v[row:row + 1] for k, v in dynamic.items()}
  prev, out, total, auxes = toy.BOS, [], 0.0, []
  for _ in range(max_length):
    log_probs, dyn, aux = toy._jitted_step(params, st, dyn, jnp.array([prev], jnp.int32))
    prev = int(np.argmax(log_probs[0]))
    total += float(log_probs[0, prev])
    out.append(prev)
    auxes.append(np.asarray(aux[0]))
    if prev == toy.EOS:
      break
  return out, total, np.stack(auxes)


@pytest.mark.parametrize("eos_bias", [0.0, 2.0])
def test_greedy_equals_step_by_step_argmax(eos_bias):
  params = toy.make_params(0, eos_bias)
  static, dynamic = toy.make_inputs(4, 1)
  result = greedy_search(toy.step_fn, params, static, dynamic, bos_id=toy.BOS, eos_id=toy.EOS,
                         max_length=7)
  assert result.tokens.shape == (4, 7) and result.aux.shape == (4, 7, toy.SOURCE)
  for row in range(4):
    want, total, auxes = _python_greedy(params, static, dynamic, row, 7)
    n = len(want)
    assert int(result.lengths[row]) == n
    np.testing.assert_array_equal(result.tokens[row, :n], want)
    assert np.all(np.asarray(result.tokens[row, n:]) == 0)
    np.testing.assert_allclose(result.log_prob[row], total, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(result.aux[row, :n], auxes, rtol=1e-5, atol=1e-5)
    assert np.all(np.asarray(result.aux[row, n:]) == 0)


def test_greedy_rejects_bad_arguments():
  params = toy.make_params(0)
  static, dynamic = toy.make_inputs(2, 1)
  with pytest.raises(ValueError, match="max_length=0"):
    greedy_search(toy.step_fn, params, static, dynamic, bos_id=1, eos_id=2, max_length=0)
