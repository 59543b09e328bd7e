# pals: two commands do everything on a fresh Debian 12 machine.
#   make demo   installs what is missing, builds, and runs the main job in a demo workspace
#   make test   installs what is missing, builds, and runs every test (starting the servers they need)
# And to install it: `make release` (as yourself), then `sudo make install` (see README, systemd).

SWIFT ?= swift
BUILD_FLAGS ?=
# Debian packages the build, the tests and the demo need.
DEBIAN_PACKAGES = libcurl4-openssl-dev libsqlite3-dev libpango1.0-dev libcairo2-dev fonts-dejavu-core \
	tzdata python3-aiosmtpd poppler-utils openssl ca-certificates pkg-config dovecot-imapd \
	curl sqlite3 python3-venv chromium chromium-driver

# `make install`: where, and from which build. DESTDIR stages the files for a package.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/pals
CONFIGURATION ?= release
PALS_BINARY ?= .build/$(CONFIGURATION)/pals

# The web app's browser tests: Selenium and axe-core (bundled by selenium-axe-python) from PyPI, in a venv.
BROWSER_VENV = .build/browser-venv
BROWSER_PYPI = selenium==4.51.0 selenium-axe-python==2.2.0

# A build's output goes here and is shown only when the build fails.
BUILD_LOG = .build/make-build.log

.PHONY: all deps build lint format test release install templates demo bench clean
.PHONY: web-tools test-browser browser-venv

all: build

## deps: install the Debian packages that are missing (needs root or sudo)
deps:
	@scripts/install-deps.sh $(DEBIAN_PACKAGES)

## build: compile pals
build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# What `swift test --skip-build` prints before the tests: SwiftPM's planning line, and its note that
# pkg-config's -pthread (pangocairo) is not passed on. Left out, with the empty XCTest run (every test is
# Swift Testing: --disable-xctest), so the first lines are the test results.
# The daemon suites that drive a whole daemon on a test clock and wait (60 s at most) for all its services to
# sleep. Among 170 other suites on this 2-core machine they have been seen to starve past that wait (a service
# still "working"; the cause is not found yet, see the issue notes), never when run on their own: they run second.
DAEMON_CLOCK_SUITES = DaemonSenderTests|DaemonIntakeTests|DaemonReminderTests
TEST_NOISE = ^(warning: prohibited flag\(s\): -pthread|\[[0-9]+/[0-9]+\] Planning build)

# What swift format reads and writes (configuration: .swift-format; the generated template file opts out).
FORMATTED = Package.swift Sources Tests Benchmarks

## lint: check the code's layout with swift format (part of `make test`; `make format` fixes it)
lint:
	@$(SWIFT) format lint --strict --recursive --parallel $(FORMATTED)

## format: lay out the code as .swift-format says
format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMATTED)

## test: check the layout, build quietly (the log is shown only if the build fails), then run every test
test: deps lint web-tools
	@mkdir -p .build
	@if ! $(SWIFT) build --build-tests $(BUILD_FLAGS) >$(BUILD_LOG) 2>&1; then \
		cat $(BUILD_LOG); echo "make test: the build failed (log: $(BUILD_LOG))" >&2; exit 1; fi
	@bash -o pipefail -c '$(SWIFT) test --skip-build --disable-xctest $(BUILD_FLAGS) --skip "$(DAEMON_CLOCK_SUITES)" 2>&1 | { grep --line-buffered -v -E "$(TEST_NOISE)" || true; }'
	@bash -o pipefail -c '$(SWIFT) test --skip-build --disable-xctest $(BUILD_FLAGS) --filter "$(DAEMON_CLOCK_SUITES)" 2>&1 | { grep --line-buffered -v -E "$(TEST_NOISE)" || true; }'
	@$(MAKE) --no-print-directory test-browser

## test-browser: the web app in Debian's chromium (Selenium), every page checked by axe (part of `make test`)
test-browser: browser-venv
	$(BROWSER_VENV)/bin/python Tests/Browser/webapp_browser_test.py --pals "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/pals"

browser-venv:
	@test -x $(BROWSER_VENV)/bin/python || /usr/bin/python3 -m venv $(BROWSER_VENV)
	@$(BROWSER_VENV)/bin/python -c "import selenium, selenium_axe_python" 2>/dev/null \
		|| $(BROWSER_VENV)/bin/pip install --quiet $(BROWSER_PYPI)

# The web tests' PyPI tools, pinned, in a virtual environment under .build (never the system's Python).
WEB_VENV = .build/venv-web
WEB_PYPI = schemathesis==4.32.5 openapi-spec-validator==0.9.0

## web-tools: install schemathesis and openapi-spec-validator for the API tests (part of `make test`)
web-tools: $(WEB_VENV)/.installed

$(WEB_VENV)/.installed:
	@mkdir -p .build
	@test -x $(WEB_VENV)/bin/python3 || python3 -m venv $(WEB_VENV)
	$(WEB_VENV)/bin/pip install -q $(WEB_PYPI)
	@touch $@

## release: compile an optimised pals (.build/release/pals) for `make install`
release: deps
	$(SWIFT) build -c release --product pals $(BUILD_FLAGS)

## install: install the built pals and its systemd unit (needs no swift: run `make release` first, as yourself)
install:
	@test -x $(PALS_BINARY) || { \
		echo "make install: $(PALS_BINARY) is not built; run \`make release\` first (as yourself, not root)" >&2; exit 1; }
	install -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(PALS_BINARY) $(DESTDIR)$(BINDIR)/pals
	sed -e 's|/usr/local/bin/pals|$(BINDIR)/pals|g' -e 's|/usr/local/share/doc/pals|$(DOCDIR)|g' \
		contrib/systemd/pals.service >$(DESTDIR)$(UNITDIR)/pals.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/pals.service
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md

## templates: carry the edited Templates/ into pals (Sources/Engine/DefaultTemplateFiles.swift)
templates:
	python3 scripts/embed-templates.py

## demo: make a demo workspace, log an invented complaint and show what pals did
demo: build
	scripts/demo.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/pals"

## bench: run every benchmark against its peer and rewrite BENCHMARKS.md (not part of `make test`)
bench: build
	python3 Benchmarks/run.py

clean:
	rm -rf .build demo
