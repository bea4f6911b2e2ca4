# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PO     := web/translations/en/LC_MESSAGES/messages.po
MO     := $(PO:.po=.mo)
PACKAGES := engine drawing processes adapters handlers models web bench

.PHONY: run test install bench lint i18n clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The compiled English catalogue (also committed, so that a plain `pip install` has it).
$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d web/translations -D messages -l en

# Front-end tools from the lock file (axe-core for the accessibility checks of the browser tests).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# The analysts' studio (bpmn-js, its properties panel, MotCua's panel), bundled by esbuild from the lock file.
STUDIO := web/static/studio/studio.js
$(STUDIO): $(NODE_STAMP) $(wildcard frontend/studio/*)
	npm run --silent build

install: $(STAMP) $(MO) $(NODE_STAMP) $(STUDIO)

run: install
	$(BIN)/motcua init
	exec $(BIN)/gunicorn -c web/gunicorn_conf.py web.wsgi:app

test: install
	$(BIN)/python -m pytest -q

# The fuzz stage alone, longer than in `make test`: every URL rule with odd input (no 5xx), and schemathesis
# holding every API operation to its OpenAPI description. Each fuzzer gets MOTCUA_FUZZ_SECONDS.
# Longer still: `make fuzz MOTCUA_FUZZ_SECONDS=600 MOTCUA_FUZZ_REQUESTS=50000 MOTCUA_FUZZ_EXAMPLES=1000
# MOTCUA_FUZZ_SEED=7`; PostgreSQL too with MOTCUA_TEST_POSTGRES_URL set.
fuzz: install
	MOTCUA_FUZZ_SECONDS=$(or $(MOTCUA_FUZZ_SECONDS),120) MOTCUA_FUZZ_REQUESTS=$(or $(MOTCUA_FUZZ_REQUESTS),20000) \
	  MOTCUA_FUZZ_EXAMPLES=$(or $(MOTCUA_FUZZ_EXAMPLES),300) $(BIN)/python -m pytest -q -s tests/fuzz

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy $(PACKAGES)

# Extract every marked text (templates, web/, processes/) and update the English catalogue; then translate the
# new entries in $(PO) (tests/unit/test_catalogue_complete.py names any left empty) and `make`.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k N_ \
	  --no-location --sort-output -w 110 -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -D messages -l en \
	  --no-fuzzy-matching --ignore-obsolete -w 110
	$(BIN)/pybabel compile -d web/translations -D messages -l en

bench: install
	$(BIN)/motcua bench

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .hypothesis .mypy_cache .ruff_cache
