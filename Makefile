# Two commands do everything: `make run` (serve the demo site) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The first python3 of version 3.11 or newer on the PATH.
PYTHON3 ?= $(shell for p in python3 python3.11 python3.12 python3.13 python3.14; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# The application code bandit reads (`make test`), without its migrations.
APPS := lms home learners courses peer_educators reports demo
BANDIT_SKIP_DIRS := $(shell echo $(addsuffix /migrations,$(APPS)) | tr ' ' ',')
# Only for `check --deploy` on the production settings in `make test`: long and random-looking, used nowhere else.
DEPLOY_CHECK_KEY := deploy-check-only-7hQ2vX9kLm4Rt8Wz1Np6Yc3Bf5Gd0Js2Ue7Ka9Xo4Vi

.PHONY: help run test bench lint format messages clean

help:
	@echo "make run    create .venv, install, migrate, load the demo data and serve http://$(HOST):$(PORT) (with the export worker)"
	@echo "make test   install test tools and run lint, checks and the whole test suite"
	@echo "make bench  build a large data set in its own database and print timings, then fuzz the forms at length"
	@echo "make format apply ruff's fixes and formatting"
	@echo "make messages  extract new strings into locale/ur/LC_MESSAGES/django.po and compile it (needs GNU gettext)"

$(VENV)/bin/activate:
	@test -n "$(PYTHON3)" || { echo "Python 3.11 or newer is needed (python3 --version)."; exit 1; }
	$(PYTHON3) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_data
	@echo "Serving http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)  Ctrl-C stops it."
	@# The worker that prepares Excel exports in the background runs beside the server and stops with it.
	@$(PY) manage.py db_worker --backend exports --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Export worker started (process $$worker)."; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -c pyproject.toml -r $(APPS) -x $(BANDIT_SKIP_DIRS) -ll
	DJANGO_SETTINGS_MODULE=lms.settings.production DJANGO_SECRET_KEY="$(DEPLOY_CHECK_KEY)" \
		DJANGO_ALLOWED_HOSTS=lms.example.org $(PY) manage.py check --deploy --fail-level WARNING
	@test -x "$(CHROMIUM)" || echo "Chromium is not installed at $(CHROMIUM): browser tests will be SKIPPED (apt-get install -y chromium)."
	@command -v xgettext >/dev/null || echo "GNU gettext is not installed: the catalogue extraction check will be SKIPPED (apt-get install -y gettext)."
	$(VENV)/bin/pytest -m "not browser"
	@# Each browser test file in its own run: a live-server test's database restore only holds for the
	@# first such test in a process (Playwright's event loop hands Django a new connection).
	@for f in tests/e2e/test_*.py; do $(VENV)/bin/pytest -m browser $$f || exit 1; done

# Its own database: a fresh SQLite file in bench/ unless DATABASE_URL is already set (its name must
# contain "bench", since it is wiped). Options go in BENCH_ARGS, for example BENCH_ARGS="--scale 0.1".
bench: $(VENV)/.installed-dev
	@mkdir -p bench
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/bench/bench.sqlite3}" \
		DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py bench $(BENCH_ARGS)
	@# The fuzz tests with many examples each (CI runs a few): random input into the staff forms and reports.
	HYPOTHESIS_PROFILE=bench $(VENV)/bin/pytest -q tests/test_fuzz_forms.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Translators: after changing strings, extract them, translate the new entries of the .po file, then run this again.
messages: $(VENV)/.installed
	$(PY) manage.py catalogue --language $(or $(LANGUAGE),ur)

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
