# Concordia — every target creates the environment it needs first.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint typecheck bench migrate clean env images

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml) clients/python/pyproject.toml
	$(UV) sync --frozen --all-packages --python $(PYTHON)
	@touch $@

env: $(VENV)/.synced ## create or update the environment from the lock file

run: env ## start the coalition: the hub and nodes se, pl, de (each nats-server, registry, ledger) under ./var, seeded
	$(BIN)/concordia up

test: env ## the whole suite (PostgreSQL too when CONCORDIA_TEST_DATABASE_URL is set)
	$(BIN)/pytest -n 2 --dist loadgroup --durations=25

test-fast: env ## everything but the slow end-to-end tests
	$(BIN)/pytest -n 2 -m "not slow"

lint: env ## ruff (lint and format check), mypy over the libraries and the services, deployment files vs the list, docs/configuration.md vs the settings
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(wildcard libs/*/src) $(wildcard services/*/src)
	$(BIN)/concordia deploy render --check
	$(BIN)/concordia config docs --check
	$(BIN)/concordia api docs --check

bench: env ## throughput figures against raw ceilings measured in the same run
	$(BIN)/python -m bench

images: env ## every image offline: a debootstrapped Debian base, a wheelhouse from uv.lock, services, NATS, PostgreSQL (root, Docker)
	$(BIN)/concordia deploy images

migrate: env ## migrate every service's database (its settings, e.g. CONCORDIA_REGISTRY_DATABASE_URL)
	$(BIN)/concordia migrate

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .ruff_cache .mypy_cache
