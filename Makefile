# The two commands of the README: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install browser axe system-deps java lint messages catalogues

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

# The project's own modules compiled once: pip compiles what it installs, but not an editable
# install's sources, and where PYTHONDONTWRITEBYTECODE is set no run writes them, so every
# `asylon` command would compile them again (a tenth of a second at each start).
install: $(BIN)/.installed
	$(BIN)/python -m compileall -q src >/dev/null

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is missing: browser tests will be skipped (apt-get install chromium)"

# The browser tests inject axe-core (npm, pinned in package-lock.json) to check accessibility.
AXE := node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
		else echo "npm is missing: the accessibility checks will be skipped (apt-get install npm)"; fi

# The Spark backend of duplicate detection (tests/matching/test_splink_engine.py) needs Java 17+.
java:
	@command -v java >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } || \
		echo "java is missing: the Spark backend test will be skipped (apt-get install openjdk-17-jre-headless)"

# WeasyPrint needs Pango (the situation report); the report tests read PDFs with poppler-utils;
# the catalogue test extracts the interface's strings with GNU gettext. Persian and Arabic are
# drawn in the charts and the PDF with Noto Sans Arabic (fonts-noto-core). `asylon backup` and
# `restore` on PostgreSQL run pg_dump and pg_restore (postgresql-client).
system-deps:
	@{ command -v pdftoppm >/dev/null && ldconfig -p | grep -q libpangoft2 && command -v xgettext >/dev/null && \
		fc-list ':family=Noto Sans Arabic' | grep -q . && command -v pg_dump >/dev/null; } || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core gettext postgresql-client >/dev/null; } || \
		echo "missing: apt-get install poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core gettext postgresql-client"

demo: install
	$(BIN)/asylon demo

test: install browser axe system-deps java
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Translations (docs/i18n.md): `make messages` refreshes the Persian and Arabic catalogues from
# the code and templates; translate what is new; `make catalogues` compiles them (commit both).
MESSAGES_OPTS := --add-location file --no-obsolete --ignore 'migrations/*' --ignore 'static/*'

messages: install
	cd src/asylon && ASYLON_DATA_DIR=$(CURDIR)/var $(CURDIR)/$(BIN)/asylon makemessages -l fa -l ar $(MESSAGES_OPTS)

catalogues: install
	cd src/asylon && ASYLON_DATA_DIR=$(CURDIR)/var $(CURDIR)/$(BIN)/asylon compilemessages
