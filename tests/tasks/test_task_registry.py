"""Task registry: built-ins load lazily, names are unique, unknown names list the choices."""
import ml_collections
import pytest

from rnnlab import tasks


def test_builtin_tasks_are_listed_and_load():
  assert {"adding", "copy_memory"} <= set(tasks.task_names())
  task = tasks.get_task("adding")
  assert task.name == "adding" and isinstance(task, tasks.Task)
  assert set(task.default_config().keys()) == {"data", "model"}


def test_unknown_task_lists_the_choices():
  with pytest.raises(ValueError, match=r"unknown task 'parity'; allowed: \(.*'adding'"):
    tasks.get_task("parity")


def test_a_second_task_with_the_same_name_is_rejected():
  class Other(tasks.Task):  # pylint: disable=abstract-method
    name = "adding"

    def default_config(self):
      return ml_collections.ConfigDict(dict(data={}, model={}))

  with pytest.raises(ValueError, match="task name 'adding' is already registered by "
                     "rnnlab.tasks.adding.AddingTask"):
    tasks.register_task(Other)


def test_indexed_iterator_state_round_trip():
  iterator = tasks.IndexedBatchIterator(lambda i: {"x": i})
  assert [next(iterator)["x"] for _ in range(3)] == [0, 1, 2]
  state = iterator.get_state()
  assert state == {"position": 3}
  fresh = tasks.IndexedBatchIterator(lambda i: {"x": i})
  fresh.set_state(state)
  assert next(fresh)["x"] == next(iterator)["x"] == 3
