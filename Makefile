# Two entry points for a fresh Debian/Ubuntu machine (see README):
#   make site   set up .venv and build the sample site into site/
#   make test   set up .venv with test tools, Chromium and a real Quarto, then run every test
# (and `make test-fast`: every test not marked slow, i.e. none that builds the sample site, opens a browser or
# runs Quarto: the loop while editing)
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Bytecode once, at install: the package (an editable install is not compiled by pip) and anything pip left
# uncompiled (PIP_NO_COMPILE). Otherwise the first build's workers each compile pandas, Altair and ranpasti
# for themselves, and with PYTHONDONTWRITEBYTECODE set every build and every worker does.
# (A third-party file that does not compile, e.g. a Python 2 test fixture, is not this project's failure.)
COMPILE = $(BIN)/python -m compileall -q -j 0 src >/dev/null && ($(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null || true)

.PHONY: site test test-fast setup setup-dev lint serve bench clean

site: setup
	$(BIN)/ranpasti build

# Quarto from PATH, or the one scripts/setup_quarto.sh installed into .tools/quarto (tests use the real one)
QUARTO_PATH := $(CURDIR)/.tools/quarto/bin:$(PATH)
# Both parts on two processes (pytest-xdist), a test file to each in turn: its module fixtures are made once, and
# the sample site is built once per run and shared under a lock (the slow part: 11.9 min on a quiet machine).
# Both parts keep two cores ~98% busy (sampled every 10 s), so running them side by side would not shorten the
# whole: only less work does; run one after the other, the fast part's time stays that of `make test-fast`.
# Files in the order tests/conftest.py gives them (the longest first), not xdist's most-tests-first.
FAST_WORKERS ?= -n 2 --dist loadfile --no-loadscope-reorder

# Every test once, in two parts (not slow, then slow), each part's wall time and the whole suite's printed at the
# end: CI's log shows both. Both parts run even if the first fails; the target fails if either did.
test: setup-dev
	bash scripts/setup_quarto.sh
	$(BIN)/ruff check src tests scripts notebooks $(wildcard bench)
	@start=$$(date +%s); \
	PATH="$(QUARTO_PATH)" $(BIN)/pytest -m "not slow" $(FAST_WORKERS); fast=$$?; middle=$$(date +%s); \
	PATH="$(QUARTO_PATH)" $(BIN)/pytest -m slow $(FAST_WORKERS); slow=$$?; end=$$(date +%s); \
	echo "test timings: fast part (not slow) $$((middle - start)) s, slow part $$((end - middle)) s," \
	     "whole suite $$((end - start)) s"; \
	[ $$fast -eq 0 ] && [ $$slow -eq 0 ]

# The tests not marked slow (target: 3 min on 2 cores); they need no Quarto and no browser.
test-fast: setup-dev
	$(BIN)/ruff check src tests scripts notebooks $(wildcard bench)
	@start=$$(date +%s); $(BIN)/pytest -m "not slow" $(FAST_WORKERS); rc=$$?; \
	echo "test timings: fast part (not slow) $$(( $$(date +%s) - start )) s"; exit $$rc

serve: site
	$(BIN)/ranpasti serve

bench: setup-dev
	bash scripts/setup_quarto.sh
	PATH="$(QUARTO_PATH)" $(BIN)/python bench/bench.py

setup: $(STAMP)
setup-dev: $(DEV_STAMP)

$(STAMP): pyproject.toml scripts/setup_system.sh
	bash scripts/setup_system.sh site
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	$(COMPILE)
	touch $@

$(DEV_STAMP): $(STAMP)
	bash scripts/setup_system.sh test
	$(BIN)/pip install --quiet -e '.[dev]'
	$(COMPILE)
	touch $@

lint: setup-dev
	$(BIN)/ruff check src tests scripts notebooks $(wildcard bench)
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf build .ranpasti site site.staging site.old .tools
