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

.PHONY: help setup run test bench lint format messages clean frontend

help:
	@echo "make run    set up and serve http://127.0.0.1:8000 (web + worker + beat)"
	@echo "make test   set up and run the test suite"
	@echo "make bench  run every benchmark (figures go to benchmarks/RESULTS.md)"
	@echo "make lint   ruff check + format check"

$(STAMP): requirements/base.txt requirements/local.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/local.txt
	touch $(STAMP)

$(FRONT_STAMP): $(FRONT_SOURCES)
	@if command -v npm >/dev/null; then \
		cd frontend && (test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund) && npm run build; \
	else echo "npm not found: skipping the front-end build (the live editor needs it)"; mkdir -p static/dist; fi
	touch $(FRONT_STAMP)

frontend: $(FRONT_STAMP)

setup: $(STAMP) $(FRONT_STAMP)
	$(MANAGE) compilemessages --ignore=.venv --ignore=frontend -v0 || echo "gettext not installed: using the committed .mo files"
	$(MANAGE) migrate --noinput -v1
	$(MANAGE) seed_demo

run: setup
	$(MANAGE) devserver

test: $(STAMP) $(FRONT_STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP) $(FRONT_STAMP)
	$(BIN)/python -m benchmarks.run_all

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(MANAGE) makemessages -l ru --ignore=.venv --ignore=frontend --ignore=node_modules --ignore=var
	$(MANAGE) makemessages -d djangojs -l ru --ignore=.venv --ignore=static --ignore=node_modules --ignore=var --ignore=benchmarks --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv --ignore=frontend

clean:
	rm -rf $(VENV) frontend/node_modules static/dist var
