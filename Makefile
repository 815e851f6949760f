# The README's commands. Each target creates/updates the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test test-slow lint bench venv dev-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

dev-venv: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

## make demo: install, migrate, seed demo data, score it and serve on http://127.0.0.1:8000
demo: venv
	PORT=$(PORT) BIN=$(BIN) sh scripts/demo.sh

## make test: install everything (incl. headless Chromium) and run every quality gate and test
test: dev-venv
	BIN=$(BIN) sh scripts/test.sh

## make test-slow: the long fault/soak tests (also run by .ci/run)
test-slow: dev-venv
	BIN=$(BIN) $(BIN)/python -m pytest -m slow -p no:cacheprovider

lint: dev-venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

## make bench: every benchmark against DATABASE_URL / CELERY_BROKER_URL (see BENCHMARKS.md);
## e.g. `make bench BENCH=recompute BENCH_ARGS="--accounts 10000 --growth"` or BENCH_ARGS=--quick
BENCH ?= all
BENCH_ARGS ?=
bench: dev-venv
	$(BIN)/python -m bench $(BENCH) $(BENCH_ARGS)
