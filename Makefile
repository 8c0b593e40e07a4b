# dtikg: two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= $(or $(DTIKG_STORE),.dtikg/store)
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: run test install install-test browser axe ocr store bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned first so that sentence-transformers takes the CPU build on disk.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

# axe-core (npm, MPL-2.0), which the accessibility test injects into the page; Node.js and npm
# from Debian when the machine has none.
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null)
	npm ci --no-audit --no-fund --silent
	touch $@

# Debian's tesseract with its Vietnamese model and poppler's pdftoppm (scanned PDFs and page
# images), and DejaVu, the fonts with Vietnamese glyphs the tests write their PDFs and images in.
ocr:
	@command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie \
		&& command -v pdftoppm >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] \
		&& [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
		|| (apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-vie poppler-utils \
			fonts-dejavu-core >/dev/null)

store: install ocr
	@if [ ! -f "$(STORE)/READY" ]; then $(BIN)/dtikg ingest --store "$(STORE)"; fi

run: store
	$(BIN)/dtikg serve --host $(HOST) --port $(PORT) --store "$(STORE)"

test: install browser axe ocr
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

# Benchmarks (not part of `make test`): outputs under /tmp/dtikg-bench, reports in docs/benchmarks.md
# and docs/benchmarks-formats.md.
bench: install ocr
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.formats

clean:
	rm -rf .dtikg tests/artifacts node_modules
