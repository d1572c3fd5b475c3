# Extra Mile: `make serve` runs the site (with the intake receiver), `make test` runs every test.
# Both set everything up on a fresh machine: a virtual environment (unless one is active) and the install.

PYTHON ?= python3
VENV ?= .venv
ifdef VIRTUAL_ENV
BIN := $(VIRTUAL_ENV)/bin
else
BIN := $(VENV)/bin
endif
STAMP := $(BIN)/.extramile-installed
# Material prints a notice about MkDocs 2 on every run; it is not a warning about this site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build build-pelican check install clean

serve: $(STAMP)
	$(BIN)/extramile serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

build: $(STAMP)
	$(BIN)/extramile build

build-pelican: $(STAMP)
	$(BIN)/extramile build --engine pelican

check: $(STAMP)
	$(BIN)/extramile check

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

clean:
	rm -rf site output .pytest_cache .hypothesis
