# make run  — set up .venv and run the default example
# make test — set up .venv and run the test suite (fast + slow cases, GAP oracle tests when gap is installed)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast install groupdb-data bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/symboot solve data/examples/s3_over_c3.json
	$(VENV)/bin/symboot groups show S3

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

# Regenerate data/groupdb from GAP (hours; needs apt-get install gap gap-smallgrp gap-character-tables)
groupdb-data: $(STAMP)
	PYTHON=$(PY) groupdb/build/build.sh

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
