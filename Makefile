# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON_BOOT ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Sites get links on the port the dev server listens on.
RUN_ENV := PORTAL_PORT=$(PORT)

.PHONY: install run test bench migrate demo lint worker clean

$(UV):
	$(PYTHON_BOOT) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON_BOOT)
	@touch $@

## install: create .venv with the locked dependencies (uv.lock)
install: $(VENV)/.installed

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(PY) manage.py load_demo

## run: install, migrate, load the demo and serve http://$(HOST):$(PORT)
run: demo
	@echo "门户: http://$(HOST):$(PORT)/  ·  后台: http://$(HOST):$(PORT)/admin/  ·  子站点: http://<代码>.localhost:$(PORT)/"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

## worker: run the background task worker (django-tasks database backend)
worker: install
	$(PY) manage.py db_worker

## test: install and run the whole suite
test: install
	$(PY) -m pytest -n auto -q $(PYTEST_ARGS)

## bench: benchmarks (not part of the test suite); tables on stdout, JSON in bench/results/
bench: install
	$(PY) bench/provisioning.py $(BENCH_ARGS)
	$(PY) bench/api.py $(BENCH_API_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(TOOLS) var static_collected
