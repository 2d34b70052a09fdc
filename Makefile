# Two commands do all the set-up on a fresh Debian/Ubuntu machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out/store
SEED ?= 9001
COUNT ?= 320
export OMP_THREAD_LIMIT := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup system-deps run test lint docs bench-throughput bench-sroie bench-readers bench-accuracy schema clean

setup: system-deps $(STAMP)

system-deps:
	@bash infra/install-system-deps.sh

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

run: setup
	@rm -rf $(OUT)  # a fresh claim store: re-running the samples must not find them as duplicates
	@for request in samples/requests/*/; do \
		echo "== $$request"; \
		$(BIN)/intake process $$(find $$request -maxdepth 1 -type f ! -name '*.json' | sort) --out $(OUT) 2>/dev/null || exit 1; \
	done

test: setup lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

docs: setup
	$(BIN)/mkdocs build --strict --site-dir site

bench-throughput: setup
	$(BIN)/python bench/throughput.py --memory-request

bench-sroie: setup
	$(BIN)/python bench/accuracy.py ../shared/corpus/sroie-dev --fields date,total,currency,issuer

bench-readers: setup
	$(BIN)/python bench/readers.py

bench-accuracy: setup
	$(BIN)/python -m samples.generator corpus --out out/corpus-seed$(SEED) --seed $(SEED) --count $(COUNT)
	$(BIN)/python bench/accuracy.py out/corpus-seed$(SEED)

schema: setup
	$(BIN)/python -m models.schema > models/claim.schema.json
	$(BIN)/python -m models.schema manifest > models/manifest.schema.json

clean:
	rm -rf $(VENV) out .pytest_cache
