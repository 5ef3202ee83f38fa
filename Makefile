# Two commands do all set-up on a fresh machine:
#   make test   -> .venv with the package + test extras (+ torch==2.13.0 CPU, the translation
#                  corpus sources), then the suite without the tests marked `slow`
#   make test-all -> the same, with the slow tests (trainings, long sequences; ~45 min)
#   make demo   -> .venv, then the default char LSTM on the embedded corpus
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test test-all demo venv clean bench bench-gpu

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,torch,ray,catalogs]"
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadgroup -m "not slow" $(PYTEST_ARGS)

test-all: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

demo: $(STAMP)
	$(PY) -m rnnlab.demo --workdir=$${WORKDIR:-runs/demo}

bench: $(STAMP)
	$(PY) experiments/benchmarks/recurrent_core.py

bench-gpu: $(STAMP)
	$(PY) experiments/benchmarks/gpu.py --json=gpu_benchmark.json

clean:
	rm -rf $(VENV) runs
