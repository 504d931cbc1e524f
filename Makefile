# Everything a fresh machine needs: `make run` and `make test` create .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test bench screenshots train-ner clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/newsreader

# one test process per core (pytest-xdist): the suite took 5 min 5 s in one process and 3 min 35 s in two on this 2-core machine (both runs beside other work)
test: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/run_all.py $(BENCH)

# Regenerates the pictures in docs/screenshots/ from the running app (headless, on the seeds).
screenshots: $(STAMP_RUN)
	$(BIN)/python docs/screenshots.py

# Reproduces tui/newsreader/core/ner/model/ from ../shared/ner (about 5 minutes on 2 cores).
train-ner: $(STAMP_TEST)
	$(BIN)/python -m pip install --quiet -e '.[test,train]'
	$(BIN)/python -m newsreader.ner.train --data ../shared/ner
	$(BIN)/python docs/ner_report.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
