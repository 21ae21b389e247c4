# codesign: two commands for a newcomer.
#   make run   install, migrate, seed the demo workspace, serve on http://127.0.0.1:$(PORT)/
#   make test  install what the tests need and run the whole suite
# Needs only Python 3.11+, git and make; everything else is installed here, into .venv.

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
PORT    ?= 8000
HOST    ?= 127.0.0.1
# A client's first sync of a large draft (its whole state, 200,000 characters of Dari or Cyrillic
# with history) can pass Daphne's 1 MiB default for one WebSocket message.
WS_MAX_BYTES ?= 8388608
# A room reconnecting at once queues its handshakes; Daphne's CLI default gives each only 5 s.
DAPHNE_ARGS := --websocket-max-message-size $(WS_MAX_BYTES) --websocket_connect_timeout 30

PROCESSES ?= 2

.PHONY: run run-scaled test messages translations language install install-dev system-packages test-system-packages services lint check-migrations js

$(PY):
	$(PYTHON3) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A secret key made once per checkout, kept out of git.
var/secret_key:
	@mkdir -p var
	@$(PYTHON3) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

run: install system-packages var/secret_key
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" && \
	$(PY) manage.py migrate --noinput -v 0 && \
	$(PY) manage.py compilemessages --ignore '.venv' --ignore 'frontend' -v 0 && \
	$(PY) manage.py collectstatic --noinput -v 0 && \
	$(PY) manage.py seed_demo && \
	echo "" && echo "codesign is running at http://$(HOST):$(PORT)/  (Ctrl-C to stop)" && echo "" && \
	exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) $(DAPHNE_ARGS) codesign.asgi:application

SYSTEM_PACKAGES := fonts-noto-core fonts-dejavu-core fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 gettext
TEST_PACKAGES   := chromium poppler-utils nginx

system-packages:
	@scripts/ensure-debian-packages $(SYSTEM_PACKAGES)

test-system-packages:
	@scripts/ensure-debian-packages $(SYSTEM_PACKAGES) $(TEST_PACKAGES)

services:
	@scripts/ensure-services

check-migrations: install-dev
	SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run

lint: install-dev
	$(VENV)/bin/ruff check .

# Catalogs (docs/translating.md). `make translations` brings every catalog up to date with the code;
# `make language CODE=kk` starts a new one (the language then shows in the switcher by itself).
MAKEMESSAGES := SECRET_KEY=messages $(PY) manage.py makemessages --add-location=file \
	-i 'frontend/*' -i 'var/*' -i 'tests/*' -i 'bench/*' -i 'scripts/*'

translations: install
	$(MAKEMESSAGES) --all --no-obsolete

language: install
	@test -n "$(CODE)" || { echo "Say which language: make language CODE=kk"; exit 2; }
	$(MAKEMESSAGES) --locale $$(SECRET_KEY=x $(PY) -c "from django.utils.translation import to_locale; print(to_locale('$(CODE)'))")

messages: install
	SECRET_KEY=messages $(PY) manage.py compilemessages --ignore '.venv' --ignore 'frontend' -v 0

test: install-dev test-system-packages services check-migrations lint messages
	$(VENV)/bin/pytest

# Rebuild the committed editor bundle (static/js/editor.bundle.js) from frontend/ (needs Node and npm;
# running and testing codesign do not).
js:
	cd frontend && npm ci --no-audit --no-fund && npm run build

# Several Daphne processes on consecutive ports (PORT, PORT+1, ...) against PostgreSQL and Redis:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/codesign REDIS_URL=redis://127.0.0.1:6379/0 make run-scaled
# Put nginx in front (docs/deploy.md). Ctrl-C stops them all.
run-scaled: install system-packages var/secret_key
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "Set DATABASE_URL (PostgreSQL) and REDIS_URL first."; exit 2; }
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" && \
	$(PY) manage.py migrate --noinput -v 0 && $(PY) manage.py seed_demo && \
	$(PY) manage.py compilemessages --ignore '.venv' --ignore 'frontend' -v 0 && \
	$(PY) manage.py collectstatic --noinput -v 0 && \
	trap 'kill 0' INT TERM EXIT; \
	for n in $$(seq 0 $$(($(PROCESSES) - 1))); do \
	  port=$$(($(PORT) + n)); echo "codesign process $$n on http://$(HOST):$$port/"; \
	  $(VENV)/bin/daphne -b $(HOST) -p $$port $(DAPHNE_ARGS) codesign.asgi:application & \
	done; wait
