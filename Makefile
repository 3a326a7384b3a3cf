# convshare: one task runner, a few verbs. Everything runs from the virtual environment .venv/.
#   make serve   set up, then serve the site on http://127.0.0.1:8000 with live reload
#   make test    set up, then lint, type-check, build strictly and run every test (browser included)
#   make test-fast  lint, type-check and every test not marked slow (no site build, no browser,
#                no notebook re-execution): the loop to run while editing
#   make build   build the site into site/ (replaced only when the build succeeds)
#   make bench   benchmarks (build time, serve reload, page weight, Lighthouse) -> bench/results.json
#   make notebooks  re-execute the notebooks in place
#   make mutation  mutation testing of the package (mutmut) and the calculator -> bench/mutation.json

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
# nbconvert, imported by mkdocs-jupyter, otherwise makes one of each exporter it can find when it
# is imported, only to list them in its command-line help: about 0.3 s of every build.
export NBCONVERT_DISABLE_CONFIG_EXPORTERS := 1

.PHONY: setup system-deps serve build test test-fast lint bench mutation notebooks clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# axe-core and Lighthouse, for the browser checks and the benchmarks.
$(NODE_STAMP): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $(NODE_STAMP)

system-deps:
	bash scripts/system-deps.sh

serve: setup
	$(BIN)/mkdocs serve --dirty -a 127.0.0.1:8000

build: setup
	MKDOCS=$(BIN)/mkdocs bash scripts/build-site.sh site

lint: setup
	$(BIN)/ruff check convshare tests hooks bench docs
	$(BIN)/ruff format --check convshare tests hooks bench docs
	$(BIN)/mypy

test: system-deps setup $(NODE_STAMP) lint
	$(BIN)/pytest

test-fast: setup lint
	$(BIN)/pytest -m "not slow" -q

bench: system-deps setup $(NODE_STAMP)
	$(BIN)/python bench/run.py

mutation: setup
	$(BIN)/python bench/mutation.py

notebooks: setup
	$(BIN)/python docs/notebooks/execute.py

clean:
	rm -rf site site.new site.old .pytest_cache .mypy_cache .ruff_cache screenshots
