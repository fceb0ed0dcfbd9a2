# Pathways: the two commands a newcomer needs (see README.md).
#   make serve   set up, migrate, add demo data, print demo logins, serve on 127.0.0.1:5000
#   make test    set up everything the tests need and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS := $(VENV)/.deps-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEST_DEPS := $(VENV)/.test-deps-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: serve test bench css

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pathways needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(DEPS): pyproject.toml | $(BIN)/python
	scripts/install-deps
	@rm -f $(VENV)/.deps-* && touch $@

$(TEST_DEPS): pyproject.toml | $(BIN)/python
	scripts/install-deps test
	@rm -f $(VENV)/.test-deps-* $(VENV)/.deps-* && touch $@ $(DEPS)

serve: $(DEPS)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed-demo
	@echo "Pathways is at http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: $(TEST_DEPS)
	scripts/install-chromium
	scripts/test

bench: $(TEST_DEPS)
	$(BIN)/python -m bench.run

css:
	scripts/build-css
