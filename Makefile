# pals: two commands do everything on a fresh Debian 12 machine.
#   make demo   installs what is missing, builds, and runs the main job in a demo workspace
#   make test   installs what is missing, builds, and runs every test (starting the servers they need)

SWIFT ?= swift
BUILD_FLAGS ?=
# Debian packages the build, the tests and the demo need.
DEBIAN_PACKAGES = libcurl4-openssl-dev libsqlite3-dev libpango1.0-dev libcairo2-dev fonts-dejavu-core \
	tzdata python3-aiosmtpd poppler-utils openssl ca-certificates pkg-config

.PHONY: all deps build test demo bench clean

all: build

## deps: install the Debian packages that are missing (needs root or sudo)
deps:
	@scripts/install-deps.sh $(DEBIAN_PACKAGES)

## build: compile pals
build: deps
	$(SWIFT) build $(BUILD_FLAGS)

## test: build and run every test
test: build
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

## demo: make a demo workspace, log an invented complaint and show what pals did
demo: build
	scripts/demo.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/pals"

## bench: run every benchmark against its peer and rewrite BENCHMARKS.md (not part of `make test`)
bench: build
	python3 Benchmarks/run.py

clean:
	rm -rf .build demo
