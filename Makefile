# The two commands of the README: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install browser system-deps lint

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is missing: browser tests will be skipped (apt-get install chromium)"

# WeasyPrint needs Pango (the situation report); the report tests read PDFs with poppler-utils.
system-deps:
	@{ command -v pdftoppm >/dev/null && ldconfig -p | grep -q libpangoft2; } || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils \
		libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; } || \
		echo "poppler-utils or pango is missing: apt-get install poppler-utils libpango-1.0-0 libpangoft2-1.0-0"

demo: install
	$(BIN)/asylon demo

test: install browser system-deps
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
