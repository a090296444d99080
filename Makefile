# Two commands do all the set-up on a machine that has only python3:
#   make run   – create .venv if missing, install plantrack, read data/raw into data/out/plantrack.db
#   make test  – the same set-up, then the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SHARED ?= ../shared

.PHONY: install run test score clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing plantrack and its dependencies into $(VENV)/ (a minute or two the first time)…"
	$(BIN)/python -m pip install --quiet --upgrade pip
	# not --quiet: a first install takes a minute, and a silent minute looks like a hang
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/plantrack run data/raw --db data/out/plantrack.db

test: $(STAMP)
	$(BIN)/python -m pytest

# Score the shared sample papers (when ../shared exists) as CI does.
score: $(STAMP)
	rm -rf /tmp/plantrack-score && mkdir -p /tmp/plantrack-score
	-$(BIN)/plantrack run $(SHARED)/corpus/sample --db /tmp/plantrack-score/sample.db
	$(BIN)/python $(SHARED)/eval/score.py --db /tmp/plantrack-score/sample.db --gold $(SHARED)/corpus/sample/gold.json

# The real council papers (when ../shared exists): each minutes file one meeting with its printed
# committee and date, nothing else taken for minutes or a plan report.
.PHONY: real
real: $(STAMP)
	rm -rf /tmp/plantrack-real && mkdir -p /tmp/plantrack-real
	-$(BIN)/plantrack run $(SHARED)/corpus/real_uk --db /tmp/plantrack-real/real.db
	$(BIN)/python $(SHARED)/eval/expect_check.py --db /tmp/plantrack-real/real.db --dir $(SHARED)/corpus/real_uk

# The real public papers of other bodies (parish, community and town councils, a township, …), as CI
# checks them against .ci/public-floor.
.PHONY: public
public: $(STAMP)
	rm -rf /tmp/plantrack-public && mkdir -p /tmp/plantrack-public
	-$(BIN)/plantrack run $(SHARED)/corpus/real_public --db /tmp/plantrack-public/public.db
	$(BIN)/python $(SHARED)/eval/expect_check.py --db /tmp/plantrack-public/public.db --dir $(SHARED)/corpus/real_public

# Speed and memory benchmark (not a test): writes BENCHMARKS.md; see bench/run.py.
.PHONY: bench
bench: $(STAMP)
	PYTHONPATH=tests $(BIN)/python bench/run.py --real-dir $(SHARED)/corpus/real_uk

clean:
	rm -rf data/out/* $(VENV)
