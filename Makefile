# Two commands a newcomer needs: `make serve` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# PyTorch's CPU wheel lies on this machine's disk; pip looks there first.
export PIP_FIND_LINKS ?= /opt/wheels

.PHONY: serve test build offline bench bench-site audit clean install assets

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) assets

assets:
	bash scripts/fetch_assets.sh

serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: install
	$(BIN)/mkdocs build --strict

test: install
	$(BIN)/python -m pytest

offline: install
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir site-offline

audit: build
	bash scripts/audit.sh site

bench: install
	$(BIN)/python -m benchmarks.video_attention

# Cold strict build, warm rebuild and edit -> served, before the build was made faster and at HEAD, side by
# side (about 15 minutes); writes benchmarks/results/site_build.json, which the README quotes.
bench-site: install
	$(BIN)/python -m benchmarks.site_build

clean:
	rm -rf site site-offline .cache .pytest_cache .hypothesis
