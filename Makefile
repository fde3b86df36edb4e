# The two newcomer commands are `make app` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: lock setup system-deps app rank lab screenshots test test-fast lint format bench sample clean hub hub-stop

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,hub]'
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	bash scripts/system-deps.sh
	@# axe-core for the accessibility audit of the app (tests/app/test_accessibility.py)
	if command -v npm >/dev/null 2>&1; then cd tests/app && npm ci --no-audit --no-fund --silent; \
	else echo "system-deps: npm missing; the accessibility audit is skipped" >&2; fi
	@# configurable-http-proxy for the hub (make hub, tests/deploy)
	if command -v npm >/dev/null 2>&1; then cd deploy && npm ci --no-audit --no-fund --silent; \
	else echo "system-deps: npm missing; make hub and its test are skipped" >&2; fi

## The steering-group app (Voila) on the bundled sample: open http://127.0.0.1:$(PORT)/
app: setup
	$(VENV)/bin/prioritisation app data/sample.xlsx --port $(PORT)

## Rank the sample in the terminal.
rank: setup
	$(VENV)/bin/prioritisation rank data/sample.xlsx

## JupyterLab on the project, with the kernel of the project's environment.
lab: setup
	$(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --port=8888 \
		--ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root,)

## Retake the member guide's screenshots from the current app (docs/img, headless Chromium).
screenshots: setup system-deps
	$(PY) -m tests.appserver screenshots docs/img

## The deployment on this machine: PostgreSQL, JupyterHub and its proxy on 127.0.0.1, demo
## groups and logins (a dummy login: DEMO ONLY); prints the address. `make hub-stop` stops it.
hub: setup system-deps
	$(PY) -m prioritisation.app.hub demo start --dir $(CURDIR)/.hub

hub-stop: setup
	$(PY) -m prioritisation.app.hub demo stop --dir $(CURDIR)/.hub

## Lint (ruff, the import-linter layers) and the whole test suite: what CI runs.
test: setup system-deps lint
	$(PY) -m pytest -q

## The development loop: lint and the tests without a browser, PostgreSQL or slow runs.
test-fast: setup lint
	$(PY) -m pytest -q -m "not browser and not postgres and not slow"

lint: setup
	$(VENV)/bin/ruff check prioritisation tests benchmarks
	$(VENV)/bin/ruff format --check prioritisation tests benchmarks
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix prioritisation tests benchmarks
	$(VENV)/bin/ruff format prioritisation tests benchmarks

## Performance figures (printed, not asserted); `make bench BASE=<commit>` runs that commit's
## benchmarks side by side with this tree's, in one run.
bench: setup
	$(if $(BASE),$(PY) benchmarks/compare.py $(BASE),$(PY) benchmarks/run.py)

## Rebuild data/sample.xlsx from prioritisation/data/sample.py.
sample: setup
	$(PY) -m prioritisation.data.sample data/sample.xlsx

## Pin the versions installed now (after a deliberate upgrade: pip install -U …, make test).
lock: setup
	{ sed -n '1,2p' requirements.lock; $(PY) -m pip freeze --exclude-editable | grep -v '^prioritisation'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

## The steering group's report of the sample as PDF, Dutch and English, in reports/.
.PHONY: report
report: setup
	$(VENV)/bin/prioritisation report data/sample.xlsx --lang nl,en --out reports/sample.pdf
