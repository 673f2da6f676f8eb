PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/baton demo

test: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot domain storage tests bench
	$(BIN)/ruff format --check bot domain storage tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/attribution.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
