# LiveInsight: `make up` runs the whole stack, `make test` runs the tests.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: up test unit integration lint bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

up: $(STAMP)
	$(VENV)/bin/liveinsight up

test: $(STAMP) lint
	$(VENV)/bin/cfn-lint infra/template.yaml tests/fixtures/*/template.yaml
	$(PY) -m pytest

unit: $(STAMP)
	$(PY) -m pytest tests/unit tests/functional

integration: $(STAMP)
	$(PY) -m pytest tests/integration

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy embedded

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf build .liveinsight .pytest_cache
