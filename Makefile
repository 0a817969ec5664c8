# Cổng DVC — every command a developer or CI needs. `make run` and `make test` set up everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PORT ?= 8000
PYTEST_ARGS ?=
# The test groups: one per folder of tests/ (see test-unit below).
TEST_GROUPS := unit meta integration infra functional e2e

.PHONY: install schemas lint format test $(TEST_GROUPS:%=test-%) run \
        import-catalog import-national-catalog bench load clean browsers hsm

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Lambda only receives app.py and chalicelib/: schemas/ (the one source) is copied into the
# git-ignored chalicelib/_schemas before anything runs, tests or packages the app; the packaged
# artifact is checked against schemas/ (infra/artifact.py).
schemas:
	rm -rf chalicelib/_schemas && cp -r schemas chalicelib/_schemas

lint: install
	$(BIN)/ruff check --config .ci/ruff.toml .
	$(BIN)/ruff format --config .ci/ruff.toml --check .

format: install
	$(BIN)/ruff format --config .ci/ruff.toml .
	$(BIN)/ruff check --config .ci/ruff.toml --fix .

test: install schemas lint browsers hsm
	$(BIN)/python -m pytest -c tests/pytest.ini --rootdir . -n 2 $(PYTEST_ARGS)

# One group per folder of tests/ (make test runs them all): unit (plain Python, no AWS), meta
# (the project checks itself: docs, layering, schemas), integration (services and stores on the
# emulated AWS; the stores under integration/persistence), infra (the stacks' templates),
# functional (the API in process), e2e (the local stack over HTTP, and a browser).
TEST_RUN = $(BIN)/python -m pytest -c tests/pytest.ini --rootdir . tests/$(@:test-%=%) $(PYTEST_ARGS)

test-unit test-meta test-integration test-infra: install schemas
	$(TEST_RUN)

test-functional: install schemas hsm
	$(TEST_RUN)

test-e2e: install schemas browsers hsm
	$(TEST_RUN)

# The browser tests (tests/e2e/test_browser.py) drive Debian's Chromium and inject axe-core.
browsers:
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium) \
	  || echo "chromium could not be installed: the browser tests will be skipped"
	test -f tests/e2e/node_modules/axe-core/axe.min.js || npm ci --prefix tests/e2e --no-audit \
	  --no-fund || echo "axe-core could not be installed: the browser tests will be skipped"

# SoftHSM2, a software PKCS#11 token: the tests sign a result through the pkcs11 signer backend.
hsm:
	test -f /usr/lib/softhsm/libsofthsm2.so || (apt-get update -q && apt-get install -y -q softhsm2) \
	  || echo "softhsm2 could not be installed: the PKCS#11 signing test will be skipped"

run: install schemas
	$(BIN)/python -m infra.local.stack --port $(PORT)

# Import a catalog into the configured stage: make import-catalog FILE=catalog.json
import-catalog: install schemas
	$(BIN)/python -m chalicelib.entrypoints.cli import-catalog $(FILE)

# Update procedures from a national procedure database export: make import-national-catalog
# FILE=export.json [DRY_RUN=1]
import-national-catalog: install schemas
	$(BIN)/python -m chalicelib.entrypoints.cli import-national-catalog $(FILE) $(if $(DRY_RUN),--dry-run)

# Benchmarks (one markdown table; figures are never asserted): make bench BENCH_ARGS="--runs 3"
bench: install schemas
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Bounded load on loopback (starts its own stack unless LOAD_ARGS="--url http://127.0.0.1:8000")
load: install schemas
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache

-include infra/infra.mk
