# dealsite: two commands for a fresh machine with Python 3.11 and the package registries.
#   make site   - virtual environment, install, build the example site into site/
#   make test   - the whole suite, real-browser tests included (installs what they need)
#   make bench  - the build benchmark (N=1000 by default; not part of make test;
#                 e.g. make bench N=10000 BENCH_ARGS=--no-baseline)

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
N      ?= 1000
BENCH_ARGS ?=

.PHONY: site test bench serve check browser-deps pdf-deps clean

$(BIN)/dealsite: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

site: $(BIN)/dealsite pdf-deps
	$(BIN)/dealsite build

# WeasyPrint renders the committee pack to PDF with Debian's Pango (on the stock image;
# installed here only when missing).
pdf-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "installing Pango for the PDF pack from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

check: $(BIN)/dealsite
	$(BIN)/dealsite check

serve: $(BIN)/dealsite
	$(BIN)/dealsite serve

# Real-browser and HTML-validity tests need Debian's chromium (at /usr/bin/chromium, which the
# tests drive: Playwright never downloads a browser), Java 11 or newer for vnu.jar, and the npm
# packages pinned in tests/package-lock.json (axe-core, vnu-jar). Each is installed only when
# missing or stale; apt-get update runs once, and only when something is to be installed.
# npm ci --ignore-scripts: vnu-jar's postinstall would download a Java runtime from GitHub
# (impossible offline, and Debian's Java serves).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium fonts-dejavu-core"; \
	java -version 2>&1 | grep -qE 'version "(1[1-9]|[2-9][0-9])' || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing from Debian's packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
	@if [ ! -f tests/node_modules/.package-lock.json ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then \
	  echo "installing tests/package-lock.json (axe-core, vnu-jar)"; \
	  cd tests && npm ci --ignore-scripts --no-audit --no-fund --silent; \
	fi

test: $(BIN)/dealsite pdf-deps browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(BIN)/dealsite
	$(BIN)/python benchmarks/bench.py --n $(N) $(BENCH_ARGS)

clean:
	rm -rf site .dealsite-build-* tests/node_modules
