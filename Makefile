# Quality vs Quantity — `make help` lists every target.
# Works from any folder: `make -C path/to/repo analyses`.

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DATASET ?= sample
EXPORT ?=
PYTEST_ARGS ?=
ifeq ($(shell printf '%s' '$(DATASET)' | grep -Ex '[A-Za-z0-9_-]{1,64}'),)
$(error DATASET="$(DATASET)" is not a dataset name: use letters, digits, - and _ (at most 64 characters); the dataset is written to data/processed/NAME)
endif
DATASET_DIR := $(ROOT)/data/processed/$(DATASET)
SAMPLE_DIR := $(ROOT)/data/processed/sample
SAMPLE_SOURCES := $(ROOT)/data/sample/config.toml $(ROOT)/data/sample/interests.toml $(wildcard $(ROOT)/src/helpers/simulate/*.py) $(wildcard $(ROOT)/src/helpers/data/*.py)
EXPORT_FILES := $(if $(EXPORT),$(shell find $(EXPORT) -type f 2>/dev/null))

.DEFAULT_GOAL := help
.PHONY: help install sample ingest score analyses test lock clean clean-reports

help: ## List every target with what it does
	@echo "Quality vs Quantity — make targets (run from anywhere with make -C <repo>):"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo "Variables: DATASET=name (default sample; letters, digits, - and _, written to data/processed/NAME),"
	@echo "           EXPORT=\"path ...\" (your export files, ingested first),"
	@echo "           PYTEST_ARGS=\"...\" (extra pytest arguments), PYTHON=python3.11 (interpreter for the venv)."

install: $(INSTALLED) ## Create .venv and install the pinned dependencies and the package

$(INSTALLED): $(ROOT)/requirements.lock $(ROOT)/pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 was not found: install it, or pass PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(ROOT)/requirements.lock
	$(PY) -m pip install --quiet --no-deps -e $(ROOT)
	@touch $@

sample: $(SAMPLE_DIR)/manifest.json ## Build the simulated sample dataset (data/processed/sample)

$(SAMPLE_DIR)/manifest.json: $(INSTALLED) $(SAMPLE_SOURCES)
	$(PY) -m helpers sample --out $(SAMPLE_DIR)

ingest: $(if $(EXPORT),$(DATASET_DIR)/manifest.json) ## Read EXPORT="path ..." into data/processed/DATASET
	@test -n "$(EXPORT)" || { echo "Give your export: make ingest EXPORT=\"path/to/export.zip\" DATASET=mine"; exit 2; }

ifneq ($(EXPORT),)
$(DATASET_DIR)/manifest.json: $(INSTALLED) $(EXPORT_FILES)
	$(PY) -m helpers ingest $(EXPORT) --dataset $(DATASET)
endif

score: $(INSTALLED) ## Score every follower of DATASET (adds follower_quality and account_quality)
	$(PY) -m helpers score --dataset $(DATASET)

ANALYSES_DEPS := $(INSTALLED) $(if $(EXPORT),$(DATASET_DIR)/manifest.json,$(if $(filter sample,$(DATASET)),$(SAMPLE_DIR)/manifest.json))

analyses: $(ANALYSES_DEPS) ## Score DATASET if it has no scores yet, then run every analysis notebook on it and write reports/ (HTML + index)
	@echo "Step 1 of 2: scoring the followers of $(DATASET) if it has no scores yet (python -m helpers score --if-needed)"
	$(PY) -m helpers score --dataset $(DATASET) --if-needed
	@echo "Step 2 of 2: running the analysis notebooks on $(DATASET)"
	$(PY) -m helpers analyses --dataset $(DATASET)

test: $(INSTALLED) ## Run the whole test suite (installs headless Chromium for the report test when missing)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	    echo "chromium not installed: the browser test will be skipped"; }
	cd $(ROOT) && $(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider $(PYTEST_ARGS)

lock: ## Regenerate requirements.lock from pyproject.toml (needs uv: pip install uv)
	cd $(ROOT) && uv pip compile pyproject.toml --extra test --python-version 3.11 --custom-compile-command "make lock" -o requirements.lock

clean-reports: ## Delete generated reports (reports/)
	rm -rf $(ROOT)/reports

clean: clean-reports ## Delete reports, processed datasets and the virtual environment
	rm -rf $(ROOT)/data/processed $(VENV)
