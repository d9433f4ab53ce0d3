# One command to serve the site, one to test everything. Both create .venv and
# install what they need on first use (Python >= 3.11.5 and make are all you need).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
# The site generator: MkDocs 1.6.1, or its maintained fork (make serve DOCS=properdocs).
DOCS ?= mkdocs
export NO_MKDOCS_2_WARNING := 1
# A reproducible site: sitemap dates come from the last commit, not the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

NPM_STAMP := node_modules/.installed-stamp
LIGHTHOUSE_STAMP := scripts/bench/lighthouse/node_modules/.installed-stamp

.PHONY: install lock serve site test lint doctest figures bench clean

install: $(STAMP) $(NPM_STAMP)

# Every dependency, transitive ones included, at the version and hash in the lock; then the
# project itself, editable, with nothing more.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Re-resolve the docs and test extras after editing pyproject.toml's pins. 3.11.5: the oldest
# Python that every pinned package supports (pymdown-extensions 13.1 needs it).
lock:  ## regenerate requirements.lock (hashes included) from pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==0.13.8  # uv's one pin: only this target uses it
	$(BIN)/uv pip compile pyproject.toml --extra docs --extra test --universal \
	  --python-version 3.11.5 --generate-hashes --no-header --quiet -o $(LOCK)

# MathJax 4 for build-time math, as package-lock.json pins it (Node comes from the docs extra).
$(NPM_STAMP): package.json package-lock.json $(STAMP)
	$(BIN)/python -m scripts.node npm ci --no-audit --no-fund
	touch $@

# Lighthouse, for the bench only: its own package, so the site build never installs it.
$(LIGHTHOUSE_STAMP): scripts/bench/lighthouse/package.json scripts/bench/lighthouse/package-lock.json $(STAMP)
	$(BIN)/python -m scripts.node npm ci --no-audit --no-fund --prefix scripts/bench/lighthouse
	touch $@

serve: install  ## build and serve the site with live reload on http://127.0.0.1:8000/nnlib-docs/
	$(BIN)/$(DOCS) serve -a 127.0.0.1:8000

site: install  ## strict static build into site/
	$(BIN)/$(DOCS) build --strict

test: install lint  ## the whole test suite, and the linter
	$(BIN)/python -m pytest

lint: install  ## ruff (rules in pyproject.toml)
	$(BIN)/ruff check .

doctest: install  ## only the examples on the pages and in nnlib's docstrings
	$(BIN)/python -m pytest docs nnlib

figures: install  ## build the figures alone (FORCE=1 rebuilds all)
	$(BIN)/python -m scripts.build_figures $(if $(FORCE),--force)

bench: install $(LIGHTHOUSE_STAMP)  ## benchmarks: print a table, fail if a target is missed (~10 min)
	$(BIN)/python -m scripts.bench

clean:
	rm -rf site .cache .pytest_cache .hypothesis
