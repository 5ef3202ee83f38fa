"""ResumableIterator: epochs, stopping, state round trip, bad states."""
import json

import pytest

from rnnlab.data import resumable_iterator


def test_walks_epochs_and_stops():
  it = resumable_iterator.ResumableIterator(lambda e, p: (e, p), num_batches=3, num_epochs=2)
  assert list(it) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


def test_state_is_json_and_resumes():
  it = resumable_iterator.ResumableIterator(lambda e, p: (e, p), num_batches=4)
  for _ in range(6):
    next(it)
  state = json.loads(json.dumps(it.get_state()))
  resumed = resumable_iterator.ResumableIterator(lambda e, p: (e, p), 4, state=state)
  assert [next(resumed) for _ in range(5)] == [next(it) for _ in range(5)]


@pytest.mark.parametrize("state", [{"epoch": -1, "position": 0}, {"epoch": 0, "position": 4}])
def test_bad_state_raises(state):
  with pytest.raises(ValueError, match="invalid"):
    resumable_iterator.ResumableIterator(lambda e, p: None, 4, state=state)


def test_bad_sizes_raise():
  with pytest.raises(ValueError, match="num_batches"):
    resumable_iterator.ResumableIterator(lambda e, p: None, 0)
  with pytest.raises(ValueError, match="num_epochs"):
    resumable_iterator.ResumableIterator(lambda e, p: None, 2, num_epochs=0)
