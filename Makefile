# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-postgres lint demo messages bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 krävs ($(PYTHON) saknas)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The background worker (large ledger imports) runs beside the web server and stops with it.
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py qcluster & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest

# The same suite against PostgreSQL (CI runs this after `make test`).
test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PY) manage.py check --database default
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest

# Speed and memory figures for the ledger (see benchmarks/README.md); prints, never fails on a timing.
bench: $(STAMP)
	$(PY) benchmarks/bench_parse.py
	$(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_overview.py

# Needs GNU gettext: refresh and compile the Swedish catalogues after changing UI strings.
messages: $(STAMP)
	for app in intraprenad/*/; do if [ -d $$app/locale ]; then (cd $$app && ../../$(PY) ../../manage.py makemessages -l sv --no-obsolete >/dev/null); fi; done
	$(PY) manage.py makemessages -l sv --no-obsolete --ignore 'intraprenad/*' --ignore '.venv/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 media artifacts benchmarks/data
