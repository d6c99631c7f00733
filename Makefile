# The two commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
NPM    ?= npm
# Tests and CI read the public reference data kept beside the project, never committed.
REFERENCE ?= $(abspath ../shared/data)

.PHONY: demo test install install-dev lint typecheck importlint unit unit-postgres audit clean help browser

help:
	@echo "make demo   install into $(VENV), build the synthetic borough, run the pipeline"
	@echo "make test   install test tools, then ruff, mypy, import-linter and pytest"
	@echo "            (the web and audit tests again on PostgreSQL when JOINEDUP_TEST_POSTGRES_URL is set)"
	@echo "make audit  known vulnerabilities in the pinned Python and npm packages"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The web app's front-end packages (package-lock.json pins them): GOV.UK Frontend, copied into
# the app's static files, and axe-core for the browser tests. node_modules is never committed.
$(VENV)/.installed: $(BIN)/python pyproject.toml package.json package-lock.json
	$(BIN)/pip install --quiet -e .
	$(NPM) ci --no-audit --no-fund --loglevel=error
	$(BIN)/joinedup web build-assets
	touch $@

# The spark extra (pyspark) lets the Spark equivalence test run; it also needs Java
# (.ci/run installs Debian's JRE), and skips without it outside CI.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev,postgres,spark]"
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

# pytest-xdist: one worker per core, each taking whole test files (--dist loadfile), so a
# file's shared fixtures are built once. TEST_WORKERS=0 runs in one process, e.g. to debug.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

unit: install-dev
	JOINEDUP_TEST_APP_DATABASE=sqlite JOINEDUP_TEST_REFERENCE_DATA=$(REFERENCE) $(PYTEST)

# The web and audit tests a second time with PostgreSQL as the app database. The server is
# JOINEDUP_TEST_POSTGRES_URL (.ci/postgres starts Debian's and prints one); without it this
# says so and passes, except under CI=true, where PostgreSQL must be tested.
WEB_TESTS := tests/integration/test_web_*.py tests/unit/test_web_*.py
unit-postgres: install-dev
	@if [ -z "$$JOINEDUP_TEST_POSTGRES_URL" ]; then \
		if [ "$$CI" = "true" ]; then \
			echo "CI must test PostgreSQL: set JOINEDUP_TEST_POSTGRES_URL (.ci/run does)"; exit 1; \
		fi; \
		echo "PostgreSQL run skipped: set JOINEDUP_TEST_POSTGRES_URL=\$$(.ci/postgres) to run it"; \
	else \
		JOINEDUP_TEST_APP_DATABASE=postgres JOINEDUP_TEST_REFERENCE_DATA=$(REFERENCE) \
			$(PYTEST) $(WEB_TESTS); \
	fi

test: lint typecheck importlint unit unit-postgres

# Known vulnerabilities: every Python package installed in $(VENV) (the pinned ones and what
# they pull in) against PyPI's advisories, and the npm packages at high severity or above.
# --strict: a package that cannot be checked fails the audit instead of passing unchecked.
audit: install-dev
	$(BIN)/pip-audit --local --strict --progress-spinner off
	$(NPM) audit --audit-level=high

# Debian's Chromium for the browser tests (tests/e2e); needs root. CI runs this through .ci/run.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache node_modules \
		src/joinedup/web/core/static/vendor
