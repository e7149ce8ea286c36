# Two commands a learner needs: `make workshop` and `make test`. Everything else helps them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_ARGS ?=

.PHONY: setup workshop test test-fast lint release generate gallery bench bench-quick bench-class lock clean-grading help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup: $(STAMP)  ## create .venv and install the locked versions (only when the lock changed)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

workshop: $(STAMP)  ## set up, then open JupyterLab on the welcome notebook
	$(PY) -m course lab --port $(PORT) $(LAB_ARGS)

test: $(STAMP)  ## set up, then run every test (browser tests included)
	bash scripts/ensure_system_packages.sh
	$(PY) -m ruff check course tests bench scripts
	$(PY) -m mypy
	$(PY) -m course lint
	$(PY) -m course generate --check
	$(PY) -m pytest -n 2 --dist loadscope -m "not browser" --nbval-lax tests solutions
	$(PY) -m pytest -m browser tests/browser

test-fast: $(STAMP)  ## the quick tests: no notebook runs, no grading runs, no browser
	$(PY) -m pytest -n 2 -m "not browser and not slow" tests

lint: $(STAMP)  ## ruff and mypy, then the manifest, quiz banks, coverage and agendas
	$(PY) -m ruff check course tests bench scripts
	$(PY) -m mypy
	$(PY) -m course lint

release: $(STAMP)  ## regenerate notebooks/ from solutions/
	$(PY) -m course release

generate: $(STAMP)  ## regenerate every generated file (estimates, notebooks/, datasets, agenda)
	$(PY) -m course generate

gallery: $(STAMP)  ## render every chart to build/gallery/
	$(PY) -m course gallery --out build/gallery

bench: $(STAMP)  ## run the benchmarks and rewrite bench/README.md
	$(PY) -m bench.run

bench-quick: $(STAMP)  ## a smoke run of every benchmark
	$(PY) -m bench.run --quick

bench-class: $(STAMP)  ## autograde 30 students x every module once; writes bench/CLASS.md (~1 h)
	$(PY) -m bench.run --only autograde --students 30 --grade-modules all --runs 1 \
		--without-jobs1 --output bench/CLASS.md

lock:  ## re-resolve requirements.lock from pyproject.toml
	$(UV) pip compile pyproject.toml --extra test --universal --python-version 3.11 -o requirements.lock -q

clean-grading:  ## remove the grading by-products (never solutions/ or notebooks/)
	rm -rf submitted autograded feedback gradebook.db exchange
