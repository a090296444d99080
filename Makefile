# Two commands do all the set-up on a machine that has only python3:
#   make run   – create .venv if missing, install plantrack (what a run needs, no extras), read data/raw
#                into data/out/plantrack.db
#   make test  – the same set-up plus the test extra (pytest, ruff, and the OCR, Dask, Datasette,
#                Excel and Parquet extras the tests exercise; Debian's chromium for the browser tests,
#                as root), then the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# one stamp per set of packages: `make run` never pulls in the test extra's gigabyte, and `make test`
# after `make run` adds only the extra
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
SHARED ?= ../shared

.PHONY: install run test score clean docs

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing plantrack and what a run needs into $(VENV)/ (a minute the first time)…"
	$(BIN)/python -m pip install --quiet --upgrade pip
	# not --quiet: a first install takes a minute, and a silent minute looks like a hang
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP)
	@echo "adding the test extra (pytest, ruff, OCR, Dask, Datasette…) to $(VENV)/ (a few minutes the first time)…"
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $(TEST_STAMP)

install: $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/plantrack run data/raw --db data/out/plantrack.db

test: $(TEST_STAMP) chromium
	$(BIN)/python -m pytest

# The browser tests (pytest -m browser) drive Debian's chromium through Playwright; nothing is
# downloaded at run time. Installed here when missing and we are root (as CI is); otherwise those
# tests skip, saying why.
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium \
	  || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	         echo "installing chromium for the browser tests (apt-get)…"; \
	         apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	           || echo "warning: chromium could not be installed: the browser tests will be skipped"; \
	       else echo "note: no chromium and not root: the browser tests will be skipped (apt-get install chromium)"; fi; }

# Score the shared sample papers (when ../shared exists) as CI does.
score: $(RUN_STAMP)
	rm -rf /tmp/plantrack-score && mkdir -p /tmp/plantrack-score
	-$(BIN)/plantrack run $(SHARED)/corpus/sample --db /tmp/plantrack-score/sample.db
	$(BIN)/python $(SHARED)/eval/score.py --db /tmp/plantrack-score/sample.db --gold $(SHARED)/corpus/sample/gold.json

# The real council papers (when ../shared exists): each minutes file one meeting with its printed
# committee and date, nothing else taken for minutes or a plan report.
.PHONY: real
real: $(RUN_STAMP)
	rm -rf /tmp/plantrack-real && mkdir -p /tmp/plantrack-real
	-$(BIN)/plantrack run $(SHARED)/corpus/real_uk --db /tmp/plantrack-real/real.db
	$(BIN)/python $(SHARED)/eval/expect_check.py --db /tmp/plantrack-real/real.db --dir $(SHARED)/corpus/real_uk

# The real public papers of other bodies (parish, community and town councils, a township, …), as CI
# checks them against .ci/public-floor.
.PHONY: public
public: $(RUN_STAMP)
	rm -rf /tmp/plantrack-public && mkdir -p /tmp/plantrack-public
	-$(BIN)/plantrack run $(SHARED)/corpus/real_public --db /tmp/plantrack-public/public.db
	$(BIN)/python $(SHARED)/eval/expect_check.py --db /tmp/plantrack-public/public.db --dir $(SHARED)/corpus/real_public

# Speed and memory benchmark (not a test): writes BENCHMARKS.md; see bench/run.py.
.PHONY: bench
bench: $(TEST_STAMP)
	PYTHONPATH=tests $(BIN)/python bench/run.py --real-dir $(SHARED)/corpus/real_uk

# The generated reference pages (docs/reference/: commands, settings, data dictionary) from the code;
# tests/test_docs.py fails while one is stale.
docs: $(TEST_STAMP)
	$(BIN)/python scripts/gen_docs.py

clean:
	rm -rf data/out/* $(VENV)
