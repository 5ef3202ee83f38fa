"""rnnlab.data.epoch_order.bucketed_batches: every example once per epoch, within buckets."""
import numpy as np

from rnnlab.data import epoch_order

BUCKET_OF = np.array([2, 0, 2, 1, 0, 2, 2, 0, 1, 2, 0, 5, 2])  # bucket sizes 4, 2, 6, 1


def test_each_epoch_batches_every_example_once_within_its_bucket():
  for epoch in range(3):
    batches = epoch_order.bucketed_batches(BUCKET_OF, 3, seed=7, epoch=epoch)
    assert len(batches) == epoch_order.num_bucketed_batches(BUCKET_OF, 3) == 2 + 1 + 2 + 1
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(len(BUCKET_OF)))
    for batch in batches:
      assert 1 <= len(batch) <= 3 and len(set(BUCKET_OF[batch])) == 1
    short = sorted(int(BUCKET_OF[b[0]]) for b in batches if len(b) < 3)
    assert short == [0, 1, 5]  # only a bucket's last batch is short (4 = 3 + 1, 2, 1)


def test_order_is_a_pure_function_of_seed_and_epoch():
  plan = lambda seed, epoch: [b.tolist() for b in epoch_order.bucketed_batches(  # noqa: E731
      BUCKET_OF, 2, seed=seed, epoch=epoch)]
  assert plan(3, 1) == plan(3, 1)
  assert len({str(plan(3, e)) for e in range(6)}) > 1
  assert plan(3, 1) != plan(4, 1) or plan(3, 2) != plan(4, 2)


def test_without_shuffle_batches_keep_the_order_bucket_by_bucket():
  batches = epoch_order.bucketed_batches(BUCKET_OF, 4, seed=0, epoch=5, shuffle=False)
  assert [b.tolist() for b in batches] == [[1, 4, 7, 10], [3, 8], [0, 2, 5, 6], [9, 12], [11]]
