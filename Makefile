# The golden commands. `make first-run-check` is what every release must pass.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: venv demo test lint types doctor-examples first-run-check bench clean

$(BIN)/doctor: pyproject.toml setup.py src/doctor/host/_ownerwalk.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/doctor

## README command 1: set up, then run doctor on the example stacks.
# The broken stack fails on purpose (exit 1, its planted faults); any other exit fails the demo.
demo: venv
	@echo "== examples/broken-stack: the seed faults a repo carries are planted here; this run fails on purpose (exit 1)"
	@echo "   (a held port, root-owned files and a login-only tool depend on this machine: those checks may pass)"
	@echo
	@$(BIN)/doctor preflight examples/broken-stack; status=$$?; \
	  if [ $$status -ne 1 ]; then echo "demo: expected exit 1 from the broken stack, got $$status" >&2; exit 1; fi
	@echo
	@echo "== examples/clean-stack: its healthy twin; this run passes (exit 0)"
	@echo
	@$(BIN)/doctor preflight examples/clean-stack

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
