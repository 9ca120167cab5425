# Trendoscope: `make run` serves the app, `make test` runs the suite. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp
FRONT_STAMP := static/dist/.built-stamp
FRONT_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/package.json frontend/build.mjs
PYTEST_ARGS ?=
# uv installs the same pinned requirements several times faster than pip (pip stays the fallback).
UV_VERSION := 0.13.8
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: help setup run test bench lint format messages clean frontend installed messages-compiled bytecode

help:
	@echo "make run    set up and serve http://127.0.0.1:8000 (web + worker + beat)"
	@echo "make test   set up and run the test suite"
	@echo "make bench  run every benchmark (figures go to benchmarks/RESULTS.md)"
	@echo "make lint   ruff check + format check + mypy (strict on services, selectors, tasks, adapters)"

$(STAMP): requirements/base.txt requirements/local.txt
	@# No pip in the new venv (ensurepip is slow): the system pip puts uv in it, uv installs the rest and pip.
	@# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every process (each test
	@# worker, the web server, the Celery worker and beat) would otherwise compile ~3,000 modules again,
	@# 6 of a Django start-up's 9.5 seconds.
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	($(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
		&& $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python pip -r requirements/local.txt) \
		|| ($(BIN)/python -m ensurepip --default-pip >/dev/null \
		&& $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/local.txt)
	touch $(STAMP)

$(FRONT_STAMP): $(FRONT_SOURCES)
	@if command -v npm >/dev/null; then \
		cd frontend && (test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund) && npm run build; \
	else echo "npm not found: skipping the front-end build (the live editor needs it)"; mkdir -p static/dist; fi
	touch $(FRONT_STAMP)

frontend: $(FRONT_STAMP)

# Only catalogues whose .po changed are compiled (no Django start-up for it); without gettext the
# committed .mo files are used.
locale/%.mo: locale/%.po
	@msgfmt --check-format -o $@ $< 2>/dev/null || echo "msgfmt failed or gettext not installed: using the committed $@"

messages-compiled: $(MO_FILES)

# The project's own bytecode, for the same reason as the install's (only changed files are compiled).
bytecode: installed
	@$(BIN)/python -m compileall -q -j 0 apps config tests benchmarks manage.py >/dev/null

# The Python and the front-end installs run side by side (both mostly wait on the network).
installed:
	@$(MAKE) --no-print-directory -j2 $(STAMP) $(FRONT_STAMP)

setup: installed messages-compiled
	$(MANAGE) migrate --noinput -v1
	$(MANAGE) seed_demo

# One Django start-up: devserver applies pending migrations, seeds the demo data when it is missing,
# then starts the web server first and the worker and beat once it answers.
run: installed messages-compiled bytecode
	$(MANAGE) devserver --prepare

test: installed bytecode
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: installed
	$(BIN)/python -m benchmarks.run_all

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=sqlite:///$(CURDIR)/var/mypy.sqlite3 $(BIN)/mypy

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(MANAGE) makemessages -l ru --ignore=.venv --ignore=frontend --ignore=node_modules --ignore=var
	$(MANAGE) makemessages -d djangojs -l ru --ignore=.venv --ignore=static/dist --ignore=node_modules --ignore=var --ignore=benchmarks --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv --ignore=frontend

clean:
	rm -rf $(VENV) frontend/node_modules static/dist var
