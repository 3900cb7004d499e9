# Descent: `make serve` runs the service, `make test` runs the whole test suite.
SWIFT ?= swift
.PHONY: deps build release serve test test-targets test-python lint-dashboard clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product descent

serve: release
	.build/release/descent serve

# Each test target runs in its own process, one after another: the numeric tests are CPU-bound and
# would otherwise starve the server tests' handlers of the (2-core) concurrency pool.
TEST_TARGETS = DescentCoreTests DescentHTTPTests DescentServiceTests IntegrationTests

# The store contract suite and the scale-out tests also run against PostgreSQL: scripts/with-postgres.sh
# starts a throwaway cluster on a free loopback port for the duration (and stops it after). Under it no
# test may be skipped (NO_SKIPS), every target must run at least one test, and the dashboard's
# headless-browser test and the Python client's tests run against the debug binary.
test: deps lint-dashboard
	@scripts/install-deps.sh postgresql python3 python3-venv chromium
	$(SWIFT) build --build-tests
	@scripts/with-postgres.sh $(MAKE) --no-print-directory test-targets NO_SKIPS=--no-skips
	DESCENT_BIN="$$($(SWIFT) build --show-bin-path)/descent" SCREENSHOTS="$$(mktemp -d)" scripts/browser-test.sh
	@$(MAKE) --no-print-directory test-python DESCENT_BIN="$$($(SWIFT) build --show-bin-path)/descent"

# Runs each target in its own process and fails when one ran no test (or, with NO_SKIPS=--no-skips,
# skipped one): scripts/run-test-targets.py reads the counts from `swift test`'s output.
test-targets:
	@python3 scripts/run-test-targets.py $(NO_SKIPS) --swift "$(SWIFT)" $(TEST_TARGETS)

# The Python client (clients/python) against the real server, in a virtualenv under .build/ (pytest, mypy,
# pandas, matplotlib from PyPI on first use); a skipped test fails the run. DESCENT_BIN: the binary
# (default: the debug build, else the release build).
test-python:
	DESCENT_NO_SKIPS=1 DESCENT_BIN="$(DESCENT_BIN)" clients/python/run-tests.sh

# The dashboard's embedded Swift files match Dashboard/Assets/ (scripts/embed-dashboard.py --check);
# every script parses and passes ESLint.
lint-dashboard:
	@scripts/lint-dashboard.sh

clean:
	rm -rf .build
