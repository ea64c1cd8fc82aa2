# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Each creates the virtual environments on first use, pinned by requirements/*.txt.

PYTHON ?= python3
VENV ?= .venv
CHECKOV_VENV ?= .venv-checkov
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
TEMPLATES := $(wildcard templates/*.yaml)

.PHONY: all install demo test lint typecheck unit templates cfn-lint checkov validate bench package publish lock clean

all: test

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $@

# checkov pins an old boto3 and many other packages: it gets a venv of its own.
$(CHECKOV_STAMP): requirements/checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q -r requirements/checkov.txt
	touch $@

install: $(STAMP) $(CHECKOV_STAMP)

demo: $(STAMP)
	$(BIN)/cfct-backup simulate

test: lint typecheck templates validate unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

templates: cfn-lint checkov

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint --include-checks I -- templates/*.yaml prerequisites/*.yaml

checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation -d templates
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation -d prerequisites

validate: $(STAMP)
	$(BIN)/cfct-backup validate .

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Build the CfCT configuration zip and the Lambda artifact into out/ (see docs/delivery.md).
package: $(STAMP)
	$(BIN)/cfct-backup package . --out out

# Upload artifacts, point the SSM parameters at them and deliver the configuration to CfCT.
publish: $(STAMP)
	$(BIN)/cfct-backup publish .

# Refresh the pins after changing dependencies (run on purpose, never in CI).
lock:
	rm -rf /tmp/cfct-lock && $(PYTHON) -m venv /tmp/cfct-lock
	/tmp/cfct-lock/bin/pip install -q -e '.[dev]'
	/tmp/cfct-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements/constraints.txt

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
