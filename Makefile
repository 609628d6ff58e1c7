# make run   - create .venv, install the app, serve it on http://localhost:8501
# make test  - create .venv, install app + test tools, run every test (needs Debian's chromium
#              and redis-server)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ADDRESS ?= 127.0.0.1
PORT ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench chromium redis axe clean

run: $(VENV)/.app-installed
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

test: lint chromium redis axe
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.app-installed
	$(PY) benchmarks/inference.py
	$(PY) benchmarks/training.py

$(VENV)/.app-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.app-installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The browser tests drive Debian's Chromium; Playwright's own download is not used.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
		else \
			echo "Browser tests need $(CHROMIUM): run 'sudo apt-get install chromium'" >&2; exit 1; \
		fi; \
	fi

# The queue tests (tests/training/test_queue_runs.py) start Debian's redis-server.
redis:
	@if ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; \
		else \
			echo "Queue tests need redis-server: run 'sudo apt-get install redis-server'" >&2; exit 1; \
		fi; \
	fi

# The accessibility checker the browser tests inject into each page (tests/access/),
# from npm into a git-ignored folder.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	npm install --prefix .cache/axe --no-audit --no-fund axe-core@4

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .cache
