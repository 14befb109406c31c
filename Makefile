# aiohttp_fast developer commands. `make test` and `make bench` work on a fresh machine.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
ARGS ?=

.PHONY: install build test test-c test-py lint bench clean annotate

install:
	$(PIP) install -e '.[test]'
	$(MAKE) build

build:
	$(PYTHON) setup.py build_ext --inplace

# The whole suite twice: with the Cython twins, then forcing the pure-Python ones.
test: build test-c test-py

test-c:
	$(PYTHON) -c "import aiohttp_fast.http_parser as p; print('aiohttp_fast parser IMPL =', p.IMPL)"
	$(PYTHON) -m pytest -q -p no:cacheprovider $(ARGS)

test-py:
	AIOHTTP_FAST_NO_EXTENSIONS=1 $(PYTHON) -c "import aiohttp_fast.http_parser as p; print('aiohttp_fast parser IMPL =', p.IMPL)"
	AIOHTTP_FAST_NO_EXTENSIONS=1 $(PYTHON) -m pytest -q -p no:cacheprovider $(ARGS)

lint:
	$(PYTHON) -m ruff check aiohttp_fast tests benchmarks setup.py

bench:
	$(PIP) install -q -e '.[bench]'
	-$(PIP) install -q pyreqwest rnet
	$(PYTHON) setup.py build_ext --inplace
	$(PYTHON) benchmarks/run.py $(ARGS)

annotate:
	cd aiohttp_fast && cython -3 -a _parser_c.pyx

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis
	find aiohttp_fast -name '*.so' -delete -o -name '*.html' -delete -o -name '_*_c.c' -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
