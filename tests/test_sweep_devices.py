"""rnnlab.sweep_devices: detection without JAX, the pool's leases and each trial's environment
(on CPU, with device ids given as on a machine with accelerators)."""
import threading

import pytest

from rnnlab import sweep_devices


def test_detect_uses_given_ids_or_cuda_visible_devices(monkeypatch):
  assert sweep_devices.detect("gpu", ["2", "3"]) == ("gpu", ["2", "3"])
  monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,5")
  assert sweep_devices.detect("auto") == ("gpu", ["1", "5"])
  monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
  monkeypatch.setattr(sweep_devices, "_tpu_ids", lambda: [])
  assert sweep_devices.detect("auto") == ("cpu", [])
  assert sweep_devices.detect("cpu") == ("cpu", [])
  with pytest.raises(ValueError, match=r"device backend 'cuda'; allowed: \('auto', 'gpu'"):
    sweep_devices.detect("cuda")
  with pytest.raises(ValueError, match=r"devices=\['0'\] need a device backend"):
    sweep_devices.detect("auto", ["0"])


def test_gpu_trials_get_their_own_devices_and_give_them_back():
  pool = sweep_devices.DevicePool("gpu", ["0", "1", "2", "3"], devices_per_trial=2, parallel=2)
  with pool.lease() as first, pool.lease() as second:
    assert first == {"CUDA_VISIBLE_DEVICES": "0,1"} and second == {"CUDA_VISIBLE_DEVICES": "2,3"}
  with pool.lease() as third:  # both leases were given back
    assert sorted(third["CUDA_VISIBLE_DEVICES"].split(",")) in (["0", "1"], ["2", "3"])


def test_a_trial_waits_for_a_freed_device():
  pool = sweep_devices.DevicePool("gpu", ["7"], devices_per_trial=1, parallel=1)
  got = []
  with pool.lease():
    waiter = threading.Thread(target=lambda: got.append(pool.lease().__enter__()))
    waiter.start()
    waiter.join(timeout=0.2)
    assert waiter.is_alive() and not got  # blocked while device 7 is held
  waiter.join(timeout=5)
  assert got == [{"CUDA_VISIBLE_DEVICES": "7"}]


def test_shared_gpus_get_a_memory_fraction_and_unassigned_ones_no_preallocation(monkeypatch):
  monkeypatch.delenv("XLA_PYTHON_CLIENT_MEM_FRACTION", raising=False)
  monkeypatch.delenv("XLA_PYTHON_CLIENT_PREALLOCATE", raising=False)
  pool = sweep_devices.DevicePool("gpu", ["0", "1"], devices_per_trial=1, trials_per_device=2,
                                  parallel=4)
  with pool.lease() as a, pool.lease() as b, pool.lease() as c:
    assert [e["CUDA_VISIBLE_DEVICES"] for e in (a, b, c)] == ["0", "1", "0"]  # spread first
    assert {e["XLA_PYTHON_CLIENT_MEM_FRACTION"] for e in (a, b, c)} == {"0.400"}
  everyone = sweep_devices.DevicePool("gpu", ["0", "1"], devices_per_trial=0, parallel=3)
  with everyone.lease() as env:
    assert env == {"XLA_PYTHON_CLIENT_PREALLOCATE": "false"}
  own = sweep_devices.DevicePool("gpu", ["0"], devices_per_trial=1, parallel=1)
  with own.lease() as env:
    assert env == {"CUDA_VISIBLE_DEVICES": "0"}  # an owned GPU keeps JAX's preallocation
  monkeypatch.setenv("XLA_PYTHON_CLIENT_MEM_FRACTION", "0.3")  # the user's choice wins
  with pool.lease() as env:
    assert set(env) == {"CUDA_VISIBLE_DEVICES"}


def test_tpu_and_cpu_environments():
  tpu = sweep_devices.DevicePool("tpu", ["0", "1", "2", "3"], devices_per_trial=1, parallel=2)
  with tpu.lease() as a, tpu.lease() as b:
    assert a == {"TPU_VISIBLE_CHIPS": "0", "TPU_CHIPS_PER_PROCESS_BOUNDS": "1,1,1",
                 "TPU_PROCESS_BOUNDS": "1,1,1", "TPU_PROCESS_PORT": "8476"}
    assert b["TPU_VISIBLE_CHIPS"] == "1" and b["TPU_PROCESS_PORT"] == "8477"
  cpu = sweep_devices.DevicePool("cpu", [], devices_per_trial=1, parallel=8)
  with cpu.lease() as env:
    assert env == {}


@pytest.mark.parametrize("kwargs, message", [
    (dict(backend="gpu", devices=["0", "1"], devices_per_trial=1, parallel=3),
     r"parallel=3 trials x devices_per_trial=1 need 3 device slots; the gpu devices \['0', '1'\]"),
    (dict(backend="gpu", devices=["0"], devices_per_trial=2, trials_per_device=2),
     "it needs devices_per_trial=1, got 2"),
    (dict(backend="tpu", devices=["0", "1"], devices_per_trial=2),
     "on TPU; allowed: one chip per trial"),
    (dict(backend="gpu", devices=["0"], devices_per_trial=-1), "devices_per_trial=-1; allowed"),
])
def test_bad_plans_are_named(kwargs, message):
  with pytest.raises(ValueError, match=message):
    sweep_devices.DevicePool(**kwargs)
