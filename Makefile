# claimledger — the same commands on a laptop and in CI.
#   make demo   set up, run the pipeline on the sample corpus, serve the ledger
#   make test   lint, types and the whole test suite (PostgreSQL, browser, Ray included)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
DATASETS ?= ../shared/datasets
DEMO_DB ?= .demo/ledger.db
PORT ?= 8000
SAMPLE := src/claimledger/data/sample
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export RAY_AUTH_MODE := disabled
# The sample corpus is fictional; its cast extends the built-in actor table.
demo: export CLAIMLEDGER_EXTRACT__ACTORS_FILE := $(SAMPLE)/actors.yaml

.PHONY: setup demo test lint typecheck pytest bench eval fuzz train-attribution train-stance train-pair \
        train-checkworthy train system-deps clean

# The venv is rebuilt when pyproject.toml changes. torch is installed first and
# pinned in the same command as everything else, so that nothing pulls a CUDA build.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,postgres,scale]' torch==2.13.0
	touch $@

setup: $(VENV)/.installed

# Debian packages for the integration tests (PostgreSQL server, Chromium + driver).
system-deps:
	@if ! test -x /usr/lib/postgresql/15/bin/initdb || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql chromium chromium-driver >/dev/null; \
	  else echo "install postgresql chromium chromium-driver (Debian) for the integration tests"; fi; \
	fi

demo: setup
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/claimledger --db $(DEMO_DB) init
	$(BIN)/claimledger --db $(DEMO_DB) ingest $(SAMPLE)/corpus
	$(BIN)/claimledger --db $(DEMO_DB) claims
	@$(BIN)/claimledger --db $(DEMO_DB) next-steps --port $(PORT)
	$(BIN)/claimledger --db $(DEMO_DB) serve --dev --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest -q -p no:cacheprovider

test: setup system-deps lint typecheck pytest

bench: setup
	$(PY) benchmarks/run.py --out benchmarks/results

eval: setup
	test -f .cache/fnc-dev/dev_stances.csv || $(PY) -m claimledger.stance.data --fnc $(DATASETS)/fnc-1 --source fnc-1 --out .cache/fnc-dev
	test -f .cache/claimbuster-dev.csv || $(PY) -m claimledger.extract.train_checkworthy --data $(DATASETS)/claimbuster/crowdsourced.csv --export-dev .cache/claimbuster-dev.csv
	$(BIN)/claimledger eval attribution --data $(DATASETS)/polnear/dev
	$(BIN)/claimledger eval stance --fnc-dir .cache/fnc-dev
	$(BIN)/claimledger eval checkworthy --data .cache/claimbuster-dev.csv
	$(BIN)/claimledger eval linking --fnc-dir $(DATASETS)/fnc-1
	$(PY) -m claimledger.eval.stance --rumoureval $(DATASETS)/rumoureval2019/dev.jsonl --datasets $(DATASETS)
	$(BIN)/claimledger eval ledger --articles $(DATASETS)/ukraine-news/articles --split dev
	$(BIN)/claimledger eval rules --articles $(DATASETS)/ukraine-news/articles --split dev

fuzz: setup
	$(PY) -m pip install -q 'atheris==3.0.0'
	$(PY) tests/fuzz/run.py --seconds $${FUZZ_SECONDS:-60}
	CLAIMLEDGER_KILL_CAMPAIGN=full $(BIN)/pytest -q -p no:cacheprovider tests/reliability/test_kill_points.py

train-attribution: setup
	$(PY) -m claimledger.extract.train_attribution --data $(DATASETS)/polnear/train --out src/claimledger/models/attribution

train-stance: setup
	$(PY) -m claimledger.stance.train --fnc $(DATASETS)/fnc-1 --arc $(DATASETS)/arc --out src/claimledger/models/stance
	$(PY) -m claimledger.stance.train_short --fnc $(DATASETS)/fnc-1 --arc $(DATASETS)/arc --out src/claimledger/models/stance/short
	$(PY) -m claimledger.stance.train_doubt --rumoureval $(DATASETS)/rumoureval2019 --datasets $(DATASETS) --out src/claimledger/models/stance/doubt

train-pair: setup
	$(PY) -m claimledger.stance.train_pair --fnc $(DATASETS)/fnc-1 --arc $(DATASETS)/arc --rumoureval $(DATASETS)/rumoureval2019 --articles $(DATASETS)/ukraine-news/articles --out src/claimledger/models/stance/pair

train-checkworthy: setup
	$(PY) -m claimledger.extract.train_checkworthy --data $(DATASETS)/claimbuster/crowdsourced.csv --out src/claimledger/models/checkworthy

train: train-attribution train-stance train-pair train-checkworthy

clean:
	rm -rf .demo .pytest_cache .mypy_cache .ruff_cache
