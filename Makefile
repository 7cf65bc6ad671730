# Quick start: `make run` (set up, review the bundled example) and `make test` (set up, run every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export NO_PROXY := 127.0.0.1,localhost
export no_proxy := 127.0.0.1,localhost

.PHONY: run test lint docs eval bench fixtures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# nianbao exits 1 when the report has errors: that is a finished review, not a failed run.
run: $(STAMP)
	$(BIN)/nianbao review examples/jinling_2022.txt --no-llm || [ $$? -eq 1 ]
	@echo '要在任意目录直接用 nianbao：先运行 . $(VENV)/bin/activate（或 pipx install .），再 nianbao review 报告.docx'

test: $(STAMP)
	$(BIN)/python -m pytest

# What CI checks besides the tests (also the pre-commit hooks): format, lint, types, import layers,
# and the rule catalogue generated into README.md and docs/annual-report-format.md.
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/gen_docs.py --check

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py

eval: $(STAMP)
	$(BIN)/nianbao eval

bench: $(STAMP)
	$(BIN)/python bench/run_benchmarks.py

fixtures: $(STAMP)
	$(BIN)/python scripts/make_fixtures.py

clean:
	rm -rf $(VENV) build *.egg-info
