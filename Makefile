# Two commands set up everything on a fresh machine with Python 3.11:
#   make demo   creates .venv, installs, runs the main job on the bundled offline sample
#   make test   creates .venv if missing, installs, installs Debian's chromium for the
#               browser tests when it is missing (apt-get, as root or with sudo), runs the suite
#   make readme regenerates the README transcripts from a fresh demo database (cog)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= $(shell command -v chromium || echo /usr/bin/chromium)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install chromium readme readme-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's chromium through Playwright (no browser download).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

demo: $(STAMP)
	$(BIN)/newsev demo

test: $(STAMP) chromium
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest -q --durations=30

readme: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/cog -I tests -r README.md

readme-check: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/cog -I tests --check README.md

bench: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(VENV) .pytest_cache

.PHONY: train
train: $(STAMP)
	$(BIN)/newsev train
