# Two entry points for a fresh Debian/Ubuntu machine (see README):
#   make site   set up .venv and build the sample site into site/
#   make test   set up .venv with test tools, Chromium and a real Quarto, then run every test
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

.PHONY: site test setup setup-dev lint serve bench clean

site: setup
	$(BIN)/ranpasti build

# Quarto from PATH, or the one scripts/setup_quarto.sh installed into .tools/quarto (tests use the real one)
QUARTO_PATH := $(CURDIR)/.tools/quarto/bin:$(PATH)

test: setup-dev
	bash scripts/setup_quarto.sh
	$(BIN)/ruff check src tests scripts notebooks $(wildcard bench)
	PATH="$(QUARTO_PATH)" $(BIN)/pytest

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
