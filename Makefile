# Maillage — every command a developer needs. `make help` lists them.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cksum package-lock.json | cut -d' ' -f1)
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup run demo test test-fast test-e2e-scale-out lint format bench migrate clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@python=$$(bin/find-python) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

# axe-core, which the browser tests inject to check accessibility (package.json, tests/e2e/axe.py).
# Without npm, setup says so and goes on (`make run` needs no Node.js); `make test` installs it
# after bin/system-packages --check has brought nodejs and npm.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm is missing: the browser tests' accessibility checks need it (bin/system-packages --check installs it)."; fi

setup: $(STAMP) $(NODE_STAMP) ## Create the virtual environment and install the dependencies
	@mkdir -p var

migrate: setup ## Apply the database migrations (reference data included)
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo data (idempotent)
	$(PY) manage.py load_demo_data

run: demo ## Set everything up and start the platform with demo data (HOST=, PORT= to change; DJANGO_DEBUG=1 for Django's debug pages)
	@$(PY) manage.py demo_accounts --url http://$(HOST):$(PORT)/
	@# The background-task worker and the periodic jobs' scheduler run beside the web server
	@# and stop with it.
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	  $(PY) manage.py scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(PY) -m daphne -v 0 -b $(HOST) -p $(PORT) maillage.asgi:application

test: setup ## Install what the tests need and run every test
	@bin/system-packages --check
	@[ -f $(NODE_STAMP) ] || $(MAKE) --no-print-directory $(NODE_STAMP)
	$(PY) manage.py makemigrations --check --dry-run --settings=maillage.settings.test
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup ## Run the tests without the browser and multi-server ones
	$(PY) -m pytest -m "not e2e and not integration" $(PYTEST_ARGS)

test-e2e-scale-out: setup ## Run the browser tests on PostgreSQL and Redis instead of SQLite
	@[ -f $(NODE_STAMP) ] || $(MAKE) --no-print-directory $(NODE_STAMP)
	MAILLAGE_E2E_STACK=scale-out $(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: setup ## Check the code style and the floor plan (import contracts in pyproject.toml)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: setup ## Reformat the code
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: setup ## Run the benchmarks and print their figures
	$(PY) -m bench

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var node_modules
