# The two commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Tests and CI read the public reference data kept beside the project, never committed.
REFERENCE ?= $(abspath ../shared/data)

.PHONY: demo test install install-dev lint typecheck importlint unit clean help

help:
	@echo "make demo   install into $(VENV), build the synthetic borough, run the pipeline"
	@echo "make test   install test tools, then ruff, mypy, import-linter and pytest"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	JOINEDUP_REFERENCE_DATA=$${JOINEDUP_REFERENCE_DATA:-$(if $(wildcard $(REFERENCE)),$(REFERENCE),)} \
		$(BIN)/joinedup demo

lint: install-dev
	$(BIN)/ruff check src tests bench

typecheck: install-dev
	$(BIN)/mypy

importlint: install-dev
	$(BIN)/lint-imports

unit: install-dev
	JOINEDUP_TEST_REFERENCE_DATA=$(REFERENCE) $(BIN)/pytest

test: lint typecheck importlint unit

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
