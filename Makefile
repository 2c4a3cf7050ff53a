# The two commands a newcomer needs:  make run  and  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/varta models pull
	touch $(STAMP)

setup: $(STAMP)

## Start the whole system in one process (gateway + both recognizers, embedded Qdrant, SQLite, files under ./data)
run: $(STAMP)
	$(BIN)/varta serve

## Run every test (unit, API over real HTTP, real models, PostgreSQL), then ruff and mypy
test: $(STAMP)
	scripts/system-deps.sh
	$(BIN)/pip install -q -e '.[dev,peers]'
	$(BIN)/pip install -q --no-deps face_recognition==1.3.0  # peer for the face benchmark; its 'dlib' dep would compile, dlib-bin provides it
	$(BIN)/ruff check .
	$(BIN)/mypy shared recognizers gateway services varta
	$(BIN)/python -m pytest tests

bench: $(STAMP)
	$(BIN)/varta bench recognizers
	$(BIN)/varta bench gateway
	$(BIN)/varta bench ingest
