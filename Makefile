# dealsite: two commands for a fresh machine with Python 3.11 and the package registries.
#   make site   - virtual environment, install, build the example site into site/
#   make test   - the whole suite, real-browser tests included (installs what they need)
#   make bench  - the build benchmark (N=1000 by default; not part of make test)

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
N      ?= 1000

.PHONY: site test bench serve check browser-deps clean

$(BIN)/dealsite: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

site: $(BIN)/dealsite
	$(BIN)/dealsite build

check: $(BIN)/dealsite
	$(BIN)/dealsite check

serve: $(BIN)/dealsite
	$(BIN)/dealsite serve

# Real-browser and HTML-validity tests need Debian's chromium, Java and the npm packages
# pinned in tests/package.json (axe-core, vnu-jar). Installed only when missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || { \
	  echo "installing chromium and Java from Debian's packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless fonts-dejavu-core >/dev/null; }
	@test -d tests/node_modules/axe-core -a -d tests/node_modules/vnu-jar || (cd tests && npm ci --no-audit --no-fund --silent)

test: $(BIN)/dealsite browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(BIN)/dealsite
	$(BIN)/python -m generator.bench --n $(N)

clean:
	rm -rf site .dealsite-build-* tests/node_modules
