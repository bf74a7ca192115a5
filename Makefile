# Luntan (论坛): `make run` starts the site, `make test` checks it. Needs only python3 and make.
#
#   make run     set up (once) and serve on http://127.0.0.1:8000/  (BIND=0.0.0.0:8000 to change)
#   make test    `make check`, then `make pytest`
#   make check   ruff, migration and deploy checks, mypy over src/: the same on every database
#   make pytest  the whole suite, one process per core (PYTEST_ARGS="-k flush" to narrow, WORKERS=0 for one process)
#   make durations  the suite, recording how long each test module takes (tests/durations.json)
#   make bench   the load benchmark (luntan bench)
#   make bench-search   the search benchmark at 1,000,000 floors (luntan search bench; FLOORS=100000 for less)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LUNTAN := $(BIN)/luntan
BIND ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# pytest-xdist processes for `make pytest`: auto = one per core; 0 runs the suite in make's own pytest process.
WORKERS ?= auto
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
APT := DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends
# The installs are redone only when pyproject.toml changes (or the stamp is removed).
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
LOCALE := src/luntan/locale

# Compiles the translation catalogs, when there are any (-f keeps fuzzy entries).
define compile_messages
	@if compgen -G "$(LOCALE)/*/LC_MESSAGES/django.po" >/dev/null; then \
	  $(BIN)/pybabel -q compile -f -d $(LOCALE) -D django; \
	else echo "make: no translation catalog under $(LOCALE) yet, nothing to compile"; fi
endef

.PHONY: run test check pytest durations test-deps bench bench-search setup browser-deps proxy-deps

run: setup
	$(LUNTAN) bootstrap
	exec $(LUNTAN) serve --bind $(BIND)

# Everything `run` does before serving; safe to repeat, and quick the second time.
setup: $(STAMP)
	$(compile_messages)
	$(LUNTAN) migrate --noinput -v 0
	$(LUNTAN) collectstatic --noinput -v 0

test: check pytest

# The checks that read the code, not a database: CI runs them once, not once per database.
check: $(TEST_STAMP)
	$(compile_messages)
	$(BIN)/ruff check .
	$(LUNTAN) makemigrations --check --dry-run
	LUNTAN_HTTPS=1 $(LUNTAN) check --deploy --fail-level ERROR
	$(BIN)/mypy --no-incremental

# Each xdist worker has its own test database (SQLite file or PostgreSQL test_<name>_gwN) and its own cache
# key prefix. --dist loadfile keeps a module on one worker, so a module's fixtures (the demo forum, a
# chromium, a running site) are made once, as in a single process. --no-loadscope-reorder hands the modules
# out in the order tests/conftest.py gives them, longest first (tests/durations.json, which `make durations`
# measures again), so that no worker is left alone with a long one at the end.
XDIST := --dist loadfile --no-loadscope-reorder
pytest: test-deps
	$(compile_messages)
	$(BIN)/pytest -n $(WORKERS) $(XDIST) $(PYTEST_ARGS)

# Measures how long each test module takes, for the order `make pytest` hands them out in.
durations: test-deps
	$(compile_messages)
	$(BIN)/pytest -n $(WORKERS) $(XDIST) --write-durations $(PYTEST_ARGS)

# Everything the suite needs installed: the test extras, chromium and fonts, nginx.
test-deps: $(TEST_STAMP) browser-deps proxy-deps

bench: $(STAMP)
	$(compile_messages)
	$(LUNTAN) bench

# Search: a synthetic forum in a scratch site of its own (var/bench-search/, or <name>_search_bench beside the
# DATABASE_URL database), reindexed, then query latency through the search interface and with LIKE.
FLOORS ?= 1000000
bench-search: $(STAMP)
	$(LUNTAN) search bench --floors $(FLOORS)

# --- the virtualenv ----------------------------------------------------------------------------------
$(BIN)/pip:
	@if ! $(PYTHON) -m venv $(VENV) >/dev/null 2>&1; then \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: $(PYTHON) cannot make a virtualenv: installing python3-venv"; \
	    apt-get update -qq && $(APT) install python3-venv >/dev/null; \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "make: $(PYTHON) cannot make a virtualenv: run 'sudo apt-get install python3-venv' first" >&2; \
	    exit 1; \
	  fi; \
	fi
	@echo "make: created $(VENV)"

$(STAMP): pyproject.toml | $(BIN)/pip
	$(PIP) install -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/pip
	$(PIP) install -e ".[test]"
	touch $@ $(STAMP)

# apt_missing(PACKAGES, WHAT): installs those of the Debian PACKAGES that are not installed, when run as root
# with apt-get; otherwise says that WHAT will be skipped (the tests say why themselves).
define apt_missing
	@missing=""; \
	for pkg in $(1); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing$$missing for $(2)"; \
	    apt-get update -qq && $(APT) install $$missing >/dev/null; \
	  else \
	    echo "make: missing$$missing (not root, not installed): $(2) may be skipped"; \
	  fi; \
	fi
endef

# The browser tests drive Debian's chromium (with CJK fonts, or Chinese shows as boxes in screenshots).
browser-deps:
	$(call apt_missing,chromium fonts-noto-cjk fonts-noto-color-emoji,the browser tests)

# tests/deploy/ starts Debian's nginx with deploy/nginx.conf, with a certificate made by openssl.
proxy-deps:
	$(call apt_missing,nginx openssl,the reverse-proxy tests)
