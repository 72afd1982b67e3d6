# Kepu Portal — `make run` sets up and starts the portal; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/$(or $(KEPU_PG_DB),kepu)
REDIS_URL ?= redis://127.0.0.1:6379/$(or $(KEPU_REDIS_DB),15)

.PHONY: run venv migrate demo test browser-deps test-sqlite test-postgres checks fuzz bench serve backup restore messages clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## make run: venv, install, migrate, load the plan and demo data, Chromium and CJK fonts for the PDFs and the brief
## (browser-deps, when apt is usable), serve on 127.0.0.1:8000 (SQLite, in-process tasks)
run: demo
	-@$(MAKE) --no-print-directory browser-deps  # the PDFs and the brief need them; the portal runs without
	@echo "门户地址 http://127.0.0.1:8000  (演示账号见上方或 README.md)"
	$(PY) manage.py runserver 127.0.0.1:8000

## make checks: ruff (lint + format, rules in pyproject.toml), mypy, migrations, check --deploy, messages
## make test: the whole suite — SQLite pass, then PostgreSQL + Redis + real Celery worker pass
test: venv browser-deps checks test-sqlite test-postgres

## Debian's Chromium and CJK fonts for the browser tests (installed when missing and apt is usable;
## Playwright never downloads a browser)
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "安装 Debian chromium 与 fonts-noto-cjk"; \
			apt-get install -y -q chromium fonts-noto-cjk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-noto-cjk >/dev/null; }; \
		else echo "缺少 /usr/bin/chromium 或中文字体:请以 root 运行 apt-get install -y chromium fonts-noto-cjk"; fi; \
	fi

test-sqlite: venv
	env -u DATABASE_URL -u CELERY_BROKER_URL $(PY) -m pytest -m "not services" $(PYTEST_ARGS)

test-postgres: venv
	PY=$(PY) PG_URL=$(PG_URL) REDIS_URL=$(REDIS_URL) scripts/test_postgres.sh $(PYTEST_ARGS)

checks: venv
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/ruff format --check --quiet .
	env -u DATABASE_URL $(VENV)/bin/mypy .
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run
	KEPU_ENV=production SECRET_KEY=ci-only-$$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
		ALLOWED_HOSTS=portal.example.cn $(PY) manage.py check --deploy --fail-level WARNING
	scripts/check_messages.sh $(PY)
	$(PY) scripts/untranslated.py

## make fuzz: schemathesis with the exhaustive coverage phase (examples,coverage,fuzzing) over every API
## operation, office and district token, on PostgreSQL + Redis (manual or nightly; ~20 min; make test runs the
## bounded examples,fuzzing phases only)
## (each user's schemathesis report: var/fuzz/schemathesis-<user>.txt)
fuzz: venv
	rm -f var/fuzz/schemathesis-*.txt
	KEPU_FUZZ_PHASES=examples,coverage,fuzzing KEPU_FUZZ_REPORT_DIR=var/fuzz PY=$(PY) PG_URL=$(PG_URL) \
		REDIS_URL=$(REDIS_URL) scripts/test_postgres.sh tests/ops/test_api_fuzz.py -v $(PYTEST_ARGS)
	@for report in var/fuzz/schemathesis-*.txt; do [ -e "$$report" ] || continue; echo "== $$report"; \
		grep -E -A2 "^(Test cases|API Operations):" "$$report"; grep -E "No issues found|issues? found" "$$report"; done

## make serve: gunicorn + Celery worker + Celery beat (Procfile, honcho) on PostgreSQL + Redis from the
## environment (DATABASE_URL, CELERY_BROKER_URL; defaults: local PostgreSQL db "kepu", Redis db 0),
## production mode, static files by whitenoise; plain HTTP on loopback (KEPU_HTTPS=false). README: "Production operation".
serve: venv
	scripts/serve.sh

## make bench: every bench/*_bench.py in order (load_bench.py: locust against gunicorn on PostgreSQL;
## KEPU_BENCH_USERS / KEPU_BENCH_SECONDS for a quick run)
bench: venv
	@set -e; for script in $$(ls bench/*_bench.py | sort); do \
		echo "== $$script"; PG_URL=$(PG_URL) REDIS_URL=$(REDIS_URL) $(PY) $$script; done

## make backup [BACKUP_DIR=backups] / make restore BACKUP=file TARGET_DATABASE_URL=postgres://…/empty_db
backup:
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} scripts/backup.sh

restore:
	scripts/restore.sh "$(BACKUP)"

messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
