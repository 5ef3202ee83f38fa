"""TBPTT batches: stream continuation, every prediction once, reset, resume, errors."""
import numpy as np
import pytest

from rnnlab.data import tbptt


def _tokens(n, seed=0):
  return np.random.default_rng(seed).permutation(n).astype(np.int32)  # all distinct


@pytest.mark.parametrize("drop_remainder", [True, False])
def test_segments_continue_each_stream(drop_remainder):
  tokens = _tokens(203)
  batches = tbptt.TBPTTBatches(tokens, batch_size=4, seq_len=7, drop_remainder=drop_remainder)
  segments = list(batches)
  inputs = np.concatenate([b["inputs"] for b in segments], axis=1)    # [B, S*T]
  targets = np.concatenate([b["targets"] for b in segments], axis=1)
  mask = np.concatenate([b["mask"] for b in segments], axis=1)
  stream_len = batches.stream_len
  for row in range(4):
    valid = mask[row] > 0
    start = row * stream_len
    n = int(valid.sum())
    np.testing.assert_array_equal(inputs[row, valid], tokens[start:start + n])
    np.testing.assert_array_equal(targets[row, valid], tokens[start + 1:start + n + 1])
    # Within and across segments the next input is the current target.
    np.testing.assert_array_equal(inputs[row, 1:n], targets[row, :n - 1])
  assert all(b["inputs"].shape == (4, 7) and b["inputs"].dtype == np.int32 for b in segments)


def test_training_batches_match_formula_and_streams_chain():
  tokens = _tokens(4 * 30 + 1)
  batches = tbptt.TBPTTBatches(tokens, batch_size=4, seq_len=6)
  assert (batches.stream_len, batches.num_segments) == (30, 5)
  for k in range(batches.num_segments):
    b = batches.batch(k)
    for row in range(4):
      np.testing.assert_array_equal(b["inputs"][row], tokens[row * 30 + k * 6:row * 30 + k * 6 + 6])
    assert b["mask"].min() == 1.0
  last, first = batches.batch(4), batches.batch(0)
  # Stream b's last target is stream b+1's first input: no prediction is lost.
  np.testing.assert_array_equal(last["targets"][:-1, -1], first["inputs"][1:, 0])


def test_evaluation_covers_every_prediction_exactly_once():
  tokens = _tokens(101)
  batches = tbptt.TBPTTBatches(tokens, batch_size=3, seq_len=8, drop_remainder=False)
  pairs = []
  for b in batches:
    valid = b["mask"] > 0
    pairs += list(zip(b["inputs"][valid].tolist(), b["targets"][valid].tolist()))
  assert batches.num_predictions == 100
  assert sorted(pairs) == sorted(zip(tokens[:-1].tolist(), tokens[1:].tolist()))


def test_reset_only_at_epoch_start():
  batches = tbptt.TBPTTBatches(_tokens(100), batch_size=2, seq_len=5)
  flags = [bool(b["reset"]) for b in batches.iterator(num_epochs=2)]
  assert flags == ([True] + [False] * (batches.num_segments - 1)) * 2


def test_resume_from_state_gives_identical_batches():
  batches = tbptt.TBPTTBatches(_tokens(300), batch_size=3, seq_len=7)
  it = batches.iterator()
  for _ in range(batches.num_segments + 3):  # into the second epoch
    next(it)
  state = it.get_state()
  assert state == {"epoch": 1, "position": 3}
  expected = [next(it) for _ in range(20)]
  resumed = batches.iterator(state=dict(state))
  for want, got in zip(expected, (next(resumed) for _ in range(20))):
    for key in ("inputs", "targets", "mask", "reset", "epoch", "position"):
      np.testing.assert_array_equal(got[key], want[key])


def test_split_shorter_than_one_batch_raises():
  with pytest.raises(ValueError, match=r"valid split has 40 tokens, shorter than one batch.*81"):
    tbptt.TBPTTBatches(np.arange(40), batch_size=4, seq_len=20, name="valid")
  with pytest.raises(ValueError, match="evaluation needs >= 2"):
    tbptt.TBPTTBatches(np.arange(1), batch_size=4, seq_len=20, drop_remainder=False)


def test_bad_arguments_raise():
  with pytest.raises(ValueError, match="1-D integer"):
    tbptt.TBPTTBatches(np.zeros(10, np.float32), batch_size=1, seq_len=2)
  with pytest.raises(ValueError, match="batch_size and seq_len must be >= 1"):
    tbptt.TBPTTBatches(np.arange(10), batch_size=0, seq_len=2)
  batches = tbptt.TBPTTBatches(np.arange(10), batch_size=1, seq_len=2)
  with pytest.raises(ValueError, match=r"position must be in \[0, 4\)"):
    batches.batch(4)
  with pytest.raises(ValueError, match="invalid"):
    batches.iterator(state={"epoch": 0, "position": 4})
