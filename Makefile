# make demo: set up .venv if needed, run the default scenario, write its table and figure.
# make test: set up .venv if needed, run the test suite on every core (the claims' statistical
# checks and the experiment scripts at CI size are `make validation`; CI runs both).
PYTHON ?= $(shell sh scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS := test,dask,sensitivity,viz,calibrate,ema
LOCK := requirements.lock

.PHONY: demo test setup lint format bench validation clean lock

$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]" -c $(LOCK)
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/coalition run chicago_absenteeism --seed 1 --out demo

test: $(STAMP)
	$(PY) -m pytest -W error -n auto --dist loadgroup -m "not validation and not experiments and not slow"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) -m benchmarks

validation: $(STAMP)
	$(PY) -m pytest -W error -n auto --dist loadfile -m "validation or experiments or slow" \
		tests/validation tests/test_experiments.py tests/test_experiment_boundaries.py \
		tests/test_sweep_engine.py tests/test_sweep_interop.py

clean:
	rm -rf $(VENV) demo out .pytest_cache .hypothesis

# rewrite requirements.lock: the newest versions pyproject.toml allows, resolved in a fresh venv
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e ".[$(EXTRAS)]"
	{ echo "# Pinned versions of every package the project and all its extras install (pip constraints)."; \
	  echo "# make setup installs with -c requirements.lock; make lock rewrites it from a fresh venv."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable; } > $(LOCK)
	rm -rf .lock-venv
