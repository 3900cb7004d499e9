# Descent: `make serve` runs the service, `make test` runs the whole test suite.
SWIFT ?= swift
.PHONY: deps build release serve test clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product descent

serve: release
	.build/release/descent serve

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build
