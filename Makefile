# opedarchive: `make demo` and `make test` work on a fresh machine with Python 3.10+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OPED := $(BIN)/opedarchive
DEMO_POST := 2022-06-24

.PHONY: demo test lint typecheck pytest system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(OPED) --archive archive list
	$(OPED) --archive archive show $(DEMO_POST) --no-pager
	$(OPED) --archive archive show $(DEMO_POST) --lang km --no-pager
	COLUMNS=120 $(OPED) --archive archive show 2022-06-15 --side-by-side --no-pager
	$(OPED) --archive archive summary

system-deps:
	bash .ci/install-system-deps

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests $(wildcard bench)

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed system-deps
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache .ruff_cache
