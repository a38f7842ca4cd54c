# The two commands of the README: `make demo` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck unit system-deps install clean

# pip shows each package as it is collected and a bar per download: the first set-up takes a few minutes.
PIP := $(BIN)/python -m pip install --progress-bar on --disable-pip-version-check

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "officewell needs Python 3.11 or newer")'
	@echo "==> Setting up $(VENV): officewell and what it needs (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	@touch $@
	@echo "==> $(VENV) is ready"

# The test tools (pytest, Playwright, ruff, mypy) only for `make test`; the demo does not need them.
$(BIN)/.installed-dev: $(BIN)/.installed
	@echo "==> Adding the test tools to $(VENV)"
	$(PIP) -e '.[dev]'
	@touch $@

install: $(BIN)/.installed-dev

demo: $(BIN)/.installed
	$(BIN)/officewell demo $(DEMO_ARGS)

system-deps:
	bash scripts/install-system-deps.sh

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed-dev
	$(BIN)/mypy

unit: $(BIN)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

test: system-deps $(BIN)/.installed-dev lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
