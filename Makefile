# The golden commands. `make first-run-check` is what every release must pass.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: venv demo test lint types doctor-examples first-run-check bench clean

$(BIN)/doctor: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/doctor

## README command 1: set up, then run doctor on the example stacks.
demo: venv
	-$(BIN)/doctor preflight examples/broken-stack
	$(BIN)/doctor preflight examples/clean-stack

## README command 2: set up, then run the tests (pytest; docker tests need a running engine).
test: venv
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check src checks tests benchmarks

types: venv
	$(BIN)/mypy

# doctor on its own examples: the clean stack must pass, the broken one must fail with exit 1.
doctor-examples: venv
	$(BIN)/doctor preflight examples/clean-stack
	$(BIN)/doctor preflight examples/broken-stack > /dev/null; test $$? -eq 1

first-run-check: lint types test doctor-examples

bench: venv
	bash benchmarks/preflight.sh
	bash benchmarks/owners.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
