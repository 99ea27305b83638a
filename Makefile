# make run  — set up .venv and run the default example
# make test — set up .venv and run the test suite (fast + slow cases, GAP oracle tests when gap is installed)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast install groupdb-data bench examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# showcase 1 end to end: S3 chain -> spectra -> xSFF/census -> bootstrap -> report
run: $(STAMP)
	$(VENV)/bin/symboot identify data/models/s3_chain.json -o reports/s3_chain

# the committed showcase reports (docs/examples/), a few minutes; a negative verdict is a report too
examples: $(STAMP)
	-$(VENV)/bin/symboot identify data/models/s3_chain.json -o docs/examples/s3_chain
	-$(VENV)/bin/symboot identify data/models/s3_chain_chiral.json -o docs/examples/s3_chain_chiral
	-$(VENV)/bin/symboot identify data/models/d8_over_c4.json -o docs/examples/d8_over_c4
	-$(VENV)/bin/symboot identify data/models/d8_over_c4_real.json -o docs/examples/d8_over_c4_real
	-$(VENV)/bin/symboot identify data/models/q8_over_c4_real.json -o docs/examples/q8_over_c4_real
	-$(VENV)/bin/symboot identify data/models/ashkin_teller_potts.json -o docs/examples/ashkin_teller_potts
	-$(VENV)/bin/symboot identify data/models/ashkin_teller_potts_nnn.json -o docs/examples/ashkin_teller_potts_nnn

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

# Regenerate data/groupdb from GAP (hours; needs apt-get install gap gap-smallgrp gap-character-tables)
groupdb-data: $(STAMP)
	PYTHON=$(PY) groupdb/build/build.sh

# every benchmark in bench/ (long: GAP loops, sweeps); figures go into bench/RESULTS.md by hand
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	set -e; for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f; done

clean:
	rm -rf $(VENV) build *.egg-info
