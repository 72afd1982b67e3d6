#!/usr/bin/env bash
# The PostgreSQL pass of `make test`: the whole suite on PostgreSQL with Redis as the Celery broker
# (and a real worker process in the services tests). Under CI=true missing services fail the run.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/kepu}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15}
ci=${CI:-}
missing=()
$PY - "$PG_URL" <<'PYEOF' || missing+=("PostgreSQL ($PG_URL)")
import sys, psycopg2, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
psycopg2.connect(dbname="postgres", user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432, connect_timeout=3).close()
PYEOF
$PY - "$REDIS_URL" <<'PYEOF' || missing+=("Redis ($REDIS_URL)")
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
PYEOF
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${ci,,}" = "true" ] || [ "$ci" = "1" ]; then
    echo "CI=true: 缺少服务 / missing services: ${missing[*]} — the PostgreSQL pass cannot run." >&2
    exit 1
  fi
  echo "跳过 PostgreSQL 测试轮次 / skipping the PostgreSQL pass: not reachable: ${missing[*]}" >&2
  exit 0
fi
DATABASE_URL="$PG_URL" CELERY_BROKER_URL="$REDIS_URL" exec $PY -m pytest "$@"
