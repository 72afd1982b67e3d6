#!/usr/bin/env bash
# `make serve`: the portal as it runs on a server — gunicorn + a Celery worker + Celery beat
# (Procfile, run by honcho), static files by whitenoise, on PostgreSQL and Redis.
#
# Environment (defaults in brackets):
#   DATABASE_URL        [postgres://postgres@127.0.0.1:5432/kepu]  created if missing
#   CELERY_BROKER_URL   [redis://127.0.0.1:6379/0]
#   KEPU_ENV            [production]
#   SECRET_KEY          [generated once into $KEPU_VAR_DIR/secret_key, mode 600]
#   KEPU_BIND           [127.0.0.1:8000]
#   KEPU_HTTPS          [false when KEPU_BIND is loopback, else true] — false: no SSL redirect, no
#                       Secure cookies, no HSTS (plain HTTP on this machine); set true behind a TLS proxy
#   ALLOWED_HOSTS       [127.0.0.1,localhost]   WEB_CONCURRENCY [3]   CELERY_CONCURRENCY [2]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export KEPU_ENV=${KEPU_ENV:-production}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kepu}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}
export KEPU_VAR_DIR=${KEPU_VAR_DIR:-$PWD/var}
export KEPU_BIND=${KEPU_BIND:-127.0.0.1:8000}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
case "$KEPU_BIND" in
  127.*|localhost:*|\[::1\]:*) export KEPU_HTTPS=${KEPU_HTTPS:-false} ;;
  *) export KEPU_HTTPS=${KEPU_HTTPS:-true} ;;
esac
mkdir -p "$KEPU_VAR_DIR"
if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s "$KEPU_VAR_DIR/secret_key" ]; then
    (umask 077; python -c "import secrets; print(secrets.token_urlsafe(50))" > "$KEPU_VAR_DIR/secret_key")
  fi
  SECRET_KEY=$(cat "$KEPU_VAR_DIR/secret_key"); export SECRET_KEY
fi
python - "$DATABASE_URL" <<'PYEOF'
import sys, dj_database_url, psycopg2
cfg = dj_database_url.parse(sys.argv[1])
if cfg["ENGINE"].endswith("postgresql"):
    kw = dict(user=cfg["USER"], password=cfg["PASSWORD"] or None, host=cfg["HOST"], port=cfg["PORT"] or 5432, connect_timeout=5)
    conn = psycopg2.connect(dbname="postgres", **kw); conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if cur.fetchone() is None:
            cur.execute('CREATE DATABASE "%s"' % cfg["NAME"].replace('"', '""'))
            print(f"created database {cfg['NAME']}")
PYEOF
echo "serve: KEPU_ENV=$KEPU_ENV KEPU_HTTPS=$KEPU_HTTPS http://$KEPU_BIND  db=${DATABASE_URL##*@} broker=${CELERY_BROKER_URL##*@}"
scripts/run_process.sh release
exec honcho start --no-colour -f Procfile web worker beat
