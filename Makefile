# fsdash: `make run` starts the app on the demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DB ?= $(or $(FSDASH_DB),data/fsdash.duckdb)
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test bench demo chromium haproxy cluster node clean validate-903 accessibility

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DB): | $(VENV)/.installed
	$(PY) -m fsdash demo --db $(DB)

demo: $(VENV)/.installed
	$(PY) -m fsdash demo --db $(DB)

# Debian packages, installed when missing: Chromium (browser tests, and the board pack's charts
# through kaleido), DejaVu fonts (the pack's PDF) and poppler-utils (pdftoppm, which renders the
# pack's pages to images in the tests).
chromium:
	@{ command -v chromium && command -v pdftoppm && \
	   test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install \
	    -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; }

# HAProxy (Debian's), the load balancer in front of several app processes: `make cluster`, and
# the concurrency test through it.
haproxy:
	@{ command -v haproxy || test -x /usr/sbin/haproxy; } >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install \
	    -y -qq haproxy >/dev/null; }

# Several app processes on one store behind HAProxy with sticky sessions (docs/deployment.md).
PROCESSES ?= 2
cluster: $(VENV)/.installed $(DB) haproxy
	FSDASH_DB=$(DB) FSDASH_DEV_ROLE=$(DEV_ROLE) $(PY) tools/cluster.py --processes $(PROCESSES) \
	  --port $(PORT) --db $(DB)

# axe-core for the browser tests' accessibility checks (pinned in package-lock.json); Debian's
# nodejs and npm are installed when missing.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --silent
	touch $@

# With no sign-in set up (.streamlit/secrets.toml), `make run` starts fsdash's bannered
# development mode as a director (DEV_ROLE=cabinet, analyst or team_manager:FS01 for others).
# The app starts through its launcher, `python -m fsdash serve` (fsdash/serve.py), so its pages
# only ever run inside app.py's navigation.
DEV_ROLE ?= $(if $(wildcard .streamlit/secrets.toml),,director)

run: $(VENV)/.installed $(DB) chromium
	FSDASH_DB=$(DB) FSDASH_DEV_ROLE=$(DEV_ROLE) $(PY) -m fsdash serve --port $(PORT)

test: $(VENV)/.installed $(DB) chromium haproxy node_modules/.installed .venv-903/.installed \
      .public-samples/.installed
	$(VENV)/bin/ruff check .
	.venv-903/bin/python tools/validate_903.py data/demo all
	$(PY) tools/run_tests.py

# Public sample files other projects publish (liiatools' wheel on PyPI: an Annex A workbook, a
# children in need census, SSDA903 episodes), unpacked into .public-samples/ for the tests.
.public-samples/.installed: tools/public_samples.py | $(VENV)/.installed
	$(PY) tools/public_samples.py

# The accessibility statement's checks: every page for every role in Chromium (axe-core, the
# keyboard, a phone's width, print), written to docs/accessibility-checks.json; commit it.
accessibility: $(VENV)/.installed $(DB) chromium node_modules/.installed
	$(PY) tools/accessibility_checks.py --db $(DB)

bench: $(VENV)/.installed
	$(PY) bench/bench.py $(BENCH_ARGS)

# The DfE's SSDA903 validation rules (Data to Insight's csc-validator-be-903 pins pandas < 2,
# so it gets its own virtual environment). YEAR: the year the collection ends on 31 March (or
# several, "2024 2025"; or all: every year the rules cover); empty for the latest complete one.
YEAR ?=
DIR ?= data/demo
.venv-903/.installed:
	python3 -m venv .venv-903
	.venv-903/bin/python -m pip install --quiet csc-validator-be-903==0.1.17
	touch $@

validate-903: .venv-903/.installed
	.venv-903/bin/python tools/validate_903.py $(DIR) "$(YEAR)"

clean:
	rm -rf $(VENV) .venv-903 node_modules data/*.duckdb data/demo .pytest_cache
