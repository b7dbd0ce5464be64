# The only commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SCENARIO ?= scenarios/default.toml

.PHONY: run test bench screenshot docs lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@$(PY) -m app.qt_check
	$(VENV)/bin/funnel-lab $(SCENARIO)

# The suite starts with the linters and the type check: a style slip or a wrong annotation fails
# like a failing test.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy sim/
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(PY) bench/engine.py

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m app.screenshot docs/screenshot.png

# The scenario format reference is generated from the models; a test checks it is current.
docs: $(STAMP)
	$(PY) -m sim.docs > docs/scenario-format.md

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
