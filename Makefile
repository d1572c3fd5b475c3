# Extra Mile: `make serve` runs the site (with the intake receiver), `make test` runs every test.
# Both set everything up on a fresh machine: a virtual environment (unless one is active) and the install,
# at the exact versions of requirements.lock (re-installed whenever pyproject.toml or the lock changes).

PYTHON ?= python3
VENV ?= .venv
ifdef VIRTUAL_ENV
BIN := $(VIRTUAL_ENV)/bin
else
BIN := $(VENV)/bin
endif
STAMP := $(BIN)/.extramile-installed
LOCK := requirements.lock
# The branch a pull request goes into: GitHub Actions sets GITHUB_BASE_REF on pull requests.
BASE ?= origin/$(or $(GITHUB_BASE_REF),main)
# axe-core, the accessibility checker the browser tests run in every page type (tests/browser/
# test_accessibility.py): package.json, at the exact version of package-lock.json. npm comes with Node.js
# (Debian: `apt-get install nodejs npm`; .ci/run installs them).
AXE := node_modules/axe-core/axe.min.js
# Material prints a notice about MkDocs 2 on every run; it is not a warning about this site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build build-pelican check install public public-pelican pr-check hooks lock clean

serve: $(STAMP)
	$(BIN)/extramile serve

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

build: $(STAMP)
	$(BIN)/extramile build

build-pelican: $(STAMP)
	$(BIN)/extramile build --engine pelican

check: $(STAMP)
	$(BIN)/extramile check

# The site to publish, into site/ (output/ for Pelican): refused unless SITE_URL and the form's settings are
# right for readers (README, "Settings").
public: $(STAMP)
	$(BIN)/extramile build --public

public-pelican: $(STAMP)
	$(BIN)/extramile build --engine pelican --public

# What every pull request runs (.github/workflows/pr.yml): the stories it changes and every problem, as the
# job summary and as annotations on the diff; the check, and both engines' public builds (each ends with the
# audit of what it built).
pr-check: $(STAMP)
	$(BIN)/extramile review --base "$(BASE)" --run check --run "build --public" \
		--run "build --engine pelican --public"

# Git runs .githooks/pre-commit before each commit: `extramile check` on the stories it adds or changes.
hooks:
	git config core.hooksPath .githooks
	@echo "pre-commit hook on: each commit's stories are checked (git commit --no-verify skips it)"

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test]"
	@touch $@

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Rewrite the lock from what is installed (after adding a dependency to pyproject.toml, or upgrading one).
lock: $(STAMP)
	$(BIN)/python -m extramile.lockfile $(LOCK)
	@touch $(STAMP)

clean:
	rm -rf site output .pytest_cache .hypothesis
