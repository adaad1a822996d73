# fsdash: `make run` starts the app on the demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DB ?= $(or $(FSDASH_DB),data/fsdash.duckdb)
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test bench demo chromium clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DB): | $(VENV)/.installed
	$(PY) -m fsdash demo --db $(DB)

demo: $(VENV)/.installed
	$(PY) -m fsdash demo --db $(DB)

# Browser tests use Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

run: $(VENV)/.installed $(DB)
	FSDASH_DB=$(DB) $(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: $(VENV)/.installed $(DB) chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/*.duckdb data/demo .pytest_cache
