# Alur: the two quick-start commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: install run stop test bench soak lint schemas

install: $(INSTALLED) ## virtualenv with Alur and its pinned dependencies, Kafka jars, test servers
$(INSTALLED): pyproject.toml package.json package-lock.json
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	infra/kafka.sh install
	infra/browser.sh install
	infra/dovecot.sh install  # the IMAP server of the mail intake's tests
	npm ci --no-audit --no-fund --loglevel=error  # axe-core, run by the accessibility tests in Chromium
	touch $@

run: install ## start PostgreSQL, Kafka and every Alur worker in the background
	infra/servers.sh start
	infra/services.sh start

stop: ## stop exactly what `make run` started
	infra/services.sh stop
	infra/servers.sh stop

test: install ## the whole test suite, against real PostgreSQL and Kafka
	infra/with-servers.sh $(VENV)/bin/pytest --durations=30  # the slowest, to keep the suite in budget

bench: install ## benchmarks: measured value, raw limit and ratio
	infra/with-servers.sh $(VENV)/bin/python -m bench

soak: install ## chaos soak on its own PostgreSQL and Kafka (SOAK_MINUTES, default 10; SOAK_SEED)
	$(VENV)/bin/python -m soak

lint:
	$(VENV)/bin/ruff check .

schemas: install ## regenerate the JSON Schemas of the event contract
	$(VENV)/bin/alur events schemas --out events/schemas
