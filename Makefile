# Zhejiang Common Prosperity tracker. `make` (or `make help`) lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the accessibility tests, installed from package-lock.json at set-up time (never at run time)
NODE_STAMP := node_modules/.installed
# JupyterLab refuses to start as root without --allow-root (as in a container)
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help env reports test lab lint bench validate catalog clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (zjcp)" >/dev/null
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --prefer-offline --loglevel=error && touch $(NODE_STAMP) \
	  || echo "npm ci failed (offline?): the accessibility tests will be skipped"; \
	else echo "npm not found: the accessibility tests will be skipped (apt-get install npm)"; fi

env: $(STAMP) $(NODE_STAMP) ## create .venv and install the package with its pinned dependencies (and axe-core)

reports: $(STAMP) ## main job: validate the data, run every notebook, write HTML reports to reports/
	$(BIN)/python -m analysis build $(ARGS)

validate: $(STAMP) ## validate the dataset and print its summary
	$(BIN)/python -m analysis validate

# tests run in parallel (pytest-xdist), one worker per core unless TEST_WORKERS says otherwise; a
# notebook's cells run in one kernel, in order, so the notebooks go whole to a worker (loadfile)
TEST_WORKERS ?= auto

test: $(STAMP) $(NODE_STAMP) ## run the whole test suite (tests/, then every notebook with nbval), in parallel
	$(BIN)/python -m pytest tests -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
	$(BIN)/python -m pytest notebooks --nbval-lax -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# the words the project generates, from the code, the templates and the notebooks (babel.cfg), into the
# template analysis/locale/messages.pot, merged into each language's catalog (then translate what is new)
LOCALE := analysis/locale
catalog: $(STAMP) ## extract the generated words and merge them into the Chinese catalog (analysis/locale)
	$(BIN)/python -m babel.messages.frontend extract -F babel.cfg --ignore-dirs=".* ._ node_modules build reports" --no-wrap --sort-by-file --project zjcp -o $(LOCALE)/messages.pot .
	@if [ -f $(LOCALE)/zh_Hans/LC_MESSAGES/messages.po ]; then \
	  $(BIN)/python -m babel.messages.frontend update --no-wrap --ignore-obsolete --no-fuzzy-matching -i $(LOCALE)/messages.pot -d $(LOCALE) -l zh_Hans; \
	else $(BIN)/python -m babel.messages.frontend init -i $(LOCALE)/messages.pot -d $(LOCALE) -l zh_Hans; fi

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ROOT)

lint: $(STAMP) ## ruff on the package, tests and notebooks; import-linter on the package's floors
	$(BIN)/ruff check analysis tests benchmarks notebooks
	$(BIN)/lint-imports

bench: $(STAMP) ## run the benchmarks and print their figures
	$(BIN)/python benchmarks/bench_progress.py
	$(BIN)/python benchmarks/bench_build.py

clean: ## remove build products (reports/, build/) and caches
	rm -rf build reports test-artifacts .pytest_cache .ruff_cache .hypothesis
