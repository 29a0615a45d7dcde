# LiveInsight: `make up` runs the whole stack, `make test` runs the tests.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt pyproject.toml | cksum | cut -d' ' -f1)

TRACKER := django_app/dashboard/static/liveinsight-tracker.js
NODE_DEPS := tracker/node_modules/.installed
CHARTJS := django_app/dashboard/static/dashboard/vendor/chart.umd.min.js
ASSETS := $(TRACKER) $(CHARTJS) $(CHARTJS).map

.PHONY: up test unit integration lint bench loadtest clean tracker chromium postgresql lock

# the locks, with hashes: every package is exactly the one locked
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

# after editing requirements*.in or docker/app-requirements.in: compile the locks again
# (versions already locked stay unless an input excludes them; `LOCK_FLAGS=--upgrade` takes the newest)
LOCK := $(VENV)/bin/uv pip compile --generate-hashes --universal --python-version 3.11 --quiet $(LOCK_FLAGS)
lock: $(STAMP)
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) requirements-dev.in -o requirements-dev.txt
	$(LOCK) docker/app-requirements.in -c requirements.txt -o docker/app-requirements.txt

$(NODE_DEPS): tracker/package.json tracker/package-lock.json
	cd tracker && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(TRACKER): $(NODE_DEPS) tracker/scripts/build.js $(wildcard tracker/src/*.js)
	cd tracker && node scripts/build.js

# with its source map, which the script names (production's hashed static files need it)
$(CHARTJS) $(CHARTJS).map: django_app/assets/package.json django_app/assets/package-lock.json
	cd django_app/assets && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(CHARTJS)) && cp django_app/assets/node_modules/chart.js/dist/chart.umd.min.js* $(dir $(CHARTJS))

# Debian's Chromium for the browser tests (test tools' own browser downloads cannot work here),
# and its PostgreSQL for the dashboard tiers' second database (they skip without it, or fail
# with LIVEINSIGHT_REQUIRE_POSTGRES=1).
APT := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
HAS_POSTGRES := command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && $(APT) chromium >/dev/null; }

postgresql:
	@$(HAS_POSTGRES) || { apt-get update -qq && $(APT) postgresql >/dev/null; } || \
	  echo "PostgreSQL could not be installed: the dashboard tiers run on SQLite only"

tracker: $(TRACKER)
	cd tracker && node scripts/size.js && node --test test/*.test.js

up: $(STAMP) $(ASSETS)
	$(VENV)/bin/liveinsight up

test: $(STAMP) $(ASSETS) chromium postgresql lint tracker
	$(VENV)/bin/cfn-lint infra/*.yaml tests/fixtures/*/*.yaml benchmarks/baseline/template.yaml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(VENV)/bin/hadolint docker/Dockerfile
	$(PY) -m pytest --tracing retain-on-failure --screenshot only-on-failure --output build/test-results

unit: $(STAMP)
	$(PY) -m pytest tests/unit tests/functional

integration: $(STAMP) $(ASSETS)
	$(PY) -m pytest tests/integration

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy liveinsight embedded layout stackstate lambda_src/ingest lambda_src/sessionize lambda_src/aggregate simulator loadtests

bench: $(STAMP)
	$(PY) -m benchmarks

# Headless Locust against the embedded stack (started if it is not up); reports in build/loadtest/.
# SHAPE=ramp|spike|soak, or USERS=50 SECONDS=60; COMPRESSION=10 divides think times.
loadtest: $(STAMP) $(ASSETS)
	$(PY) -m liveinsight loadtest $(if $(SHAPE),--shape $(SHAPE)) --users $(or $(USERS),50) \
	  --seconds $(or $(SECONDS),60) --compression $(or $(COMPRESSION),10)

clean:
	rm -rf build .liveinsight .pytest_cache
