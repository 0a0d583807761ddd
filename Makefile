# Trustapp: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DJANGO_ALLOW_ASYNC_UNSAFE ?= true
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/trustapp
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint worker beat migrate seed bench load clean check-services chromium

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

# DEBUG is off unless DJANGO_DEBUG=1 says so: the demo and the tests say so here.
run: export DJANGO_DEBUG = 1
run: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Chromium is missing: run 'sudo apt-get install -y chromium' (browser tests need it)."; exit 1; \
	fi

check-services: $(VENV)/.installed-dev
	@DJANGO_DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py check_services

test: $(VENV)/.installed-dev chromium check-services
	DJANGO_DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed-dev check-services
	DJANGO_DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py bench_recompute
	DJANGO_DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py bench_pages
	DJANGO_DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py bench_backtest

# A production-mode gunicorn under a Locust persona mix, in a scratch database it drops.
load: $(VENV)/.installed-dev check-services
	DJANGO_DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py load_test $(LOAD_ARGS)

worker: $(VENV)/.installed-run
	$(VENV)/bin/celery -A trustapp worker --loglevel=info

beat: $(VENV)/.installed-run
	$(VENV)/bin/celery -A trustapp beat --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
