# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON_BOOT ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
RECEIVER_PORT ?= 8001
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Sites get links on the port the dev server listens on.
RUN_ENV := PORTAL_PORT=$(PORT)

.PHONY: install run test bench lighthouse migrate demo lint worker clean

$(UV):
	$(PYTHON_BOOT) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON_BOOT)
	$(PY) -m livestream.vendor
	@touch $@

## install: create .venv with the locked dependencies (uv.lock) and compile the message
## catalogues (locale/, locale_wagtail/) into .mo files, without GNU gettext
install: $(VENV)/.installed
	@$(PY) -m base.catalogues locale locale_wagtail

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) DEMO_WEBHOOK_URL=http://127.0.0.1:$(RECEIVER_PORT)/hook/ $(PY) manage.py load_demo

## run: install, migrate, load the demo and serve http://$(HOST):$(PORT), with the task
## worker (scheduled publishing, webhooks) and the demo webhook receiver beside it
run: demo
	@echo "门户: http://$(HOST):$(PORT)/  ·  后台: http://$(HOST):$(PORT)/admin/  ·  子站点: http://<代码>.localhost:$(PORT)/"
	@echo "后台任务: run_worker  ·  演示 Webhook 接收器: http://127.0.0.1:$(RECEIVER_PORT)/hook/?format=html"
	@$(PY) manage.py webhook_receiver --port $(RECEIVER_PORT) & receiver=$$!; \
	$(RUN_ENV) $(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$receiver $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

## worker: run the background task worker alone (django-tasks database backend); it seeds
## the periodic scheduler itself at every start (kitchen/worker.py)
worker: install
	$(RUN_ENV) $(PY) manage.py run_worker

## test: install, run the suite on SQLite, then on a throw-away PostgreSQL cluster on a
## free local port (tests/postgres.py). The tests marked server or browser (real nginx,
## Redis, S3, gunicorn, Chromium) do not depend on the database engine and run once, on
## PostgreSQL. Without PostgreSQL installed, SQLite runs them too and the PostgreSQL run is
## skipped with a notice (in CI that fails).
ONCE := server or browser
XDIST := -n auto
test: install
	@if $(PY) -m tests.postgres --available; then \
	  echo "$(PY) -m pytest $(XDIST) -q -m 'not ($(ONCE))' $(PYTEST_ARGS)"; \
	  $(PY) -m pytest $(XDIST) -q -m "not ($(ONCE))" $(PYTEST_ARGS) || [ $$? -eq 5 ]; \
	else \
	  echo "$(PY) -m pytest $(XDIST) -q $(PYTEST_ARGS)"; \
	  $(PY) -m pytest $(XDIST) -q $(PYTEST_ARGS); \
	fi
	$(PY) -m tests.postgres $(PY) -m pytest $(XDIST) -q -p no:cacheprovider $(PYTEST_ARGS)

## bench: benchmarks (not part of the test suite); tables on stdout, JSON in bench/results/
bench: install
	$(PY) bench/provisioning.py $(BENCH_ARGS)
	$(PY) bench/api.py $(BENCH_API_ARGS)
	$(PY) bench/outbox.py $(BENCH_OUTBOX_ARGS)
	$(PY) bench/screens.py $(BENCH_SCREENS_ARGS)
	$(PY) bench/learning.py $(BENCH_LEARNING_ARGS)
	$(PY) bench/search.py $(BENCH_SEARCH_ARGS)
	$(PY) bench/handbook.py $(BENCH_HANDBOOK_ARGS)
	$(PY) bench/oversight.py $(BENCH_OVERSIGHT_ARGS)

## lighthouse: Lighthouse scores of the served demo (`make run` in another terminal; the npm
## package installed outside the repository, LIGHTHOUSE_ARGS="--lighthouse PATH"); not in
## `make test` or `make bench`
lighthouse: install
	$(PY) bench/lighthouse.py --base http://$(HOST):$(PORT) $(LIGHTHOUSE_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(TOOLS) var static_collected
