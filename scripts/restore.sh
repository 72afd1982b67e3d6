#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY PostgreSQL database.
#   TARGET_DATABASE_URL=postgres://user@host:5432/kepu_restored scripts/restore.sh var/backups/kepu-….dump
# The target database is created when missing; one that already has tables is refused (restore into
# a new database, check it, then point DATABASE_URL at it). The restore is one transaction: it
# either completes or leaves the database empty. With MEDIA_ROOT set and a matching
# .media.tar.gz beside the dump, uploaded files are unpacked into MEDIA_ROOT too.
set -euo pipefail
dump=${1:?usage: restore.sh BACKUP.dump   (TARGET_DATABASE_URL=postgres://…/empty_db)}
target=${TARGET_DATABASE_URL:-${DATABASE_URL:-}}
[ -n "$target" ] || { echo "set TARGET_DATABASE_URL=postgres://…/new_empty_database" >&2; exit 2; }
[ -f "$dump" ] || { echo "no such backup: $dump" >&2; exit 2; }
pg_restore --list "$dump" >/dev/null
base=${target%%\?*}
db=$(basename "$base")
server="${base%/*}/postgres"
exists=$(psql "$server" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '${db//\'/\'\'}'")
if [ "$exists" != "1" ]; then
  psql "$server" -Xqc "CREATE DATABASE \"${db//\"/\"\"}\"" >/dev/null
  echo "created database $db"
fi
tables=$(psql "$target" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema')")
if [ "$tables" != "0" ]; then
  echo "refusing to restore: database $db already has $tables tables (restore into an empty database)" >&2
  exit 3
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$dump"
media="${dump%.dump}.media.tar.gz"
if [ -n "${MEDIA_ROOT:-}" ] && [ -f "$media" ]; then
  mkdir -p "$MEDIA_ROOT" && tar -xzf "$media" -C "$MEDIA_ROOT"
  echo "media restored into $MEDIA_ROOT"
fi
echo "restored $dump into $db"
