#!/usr/bin/env bash
# Back up the portal's PostgreSQL database (pg_dump custom format) and its uploaded files.
#   DATABASE_URL=postgres://user@host:5432/kepu scripts/backup.sh            # → var/backups/
#   BACKUP_DIR=/srv/backups KEEP=30 scripts/backup.sh
# Writes kepu-<db>-<UTC stamp>.dump (checked with pg_restore --list) and, when MEDIA_ROOT has files,
# kepu-<db>-<stamp>.media.tar.gz; keeps the newest $KEEP dumps (default 14). Prints the dump's path.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL=postgres://… (the database to back up)}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: only PostgreSQL is supported" >&2; exit 2;; esac
BACKUP_DIR=${BACKUP_DIR:-var/backups}
KEEP=${KEEP:-14}
MEDIA_ROOT=${MEDIA_ROOT:-${KEPU_VAR_DIR:-var}/media}
mkdir -p "$BACKUP_DIR"
db=$(basename "${DATABASE_URL%%\?*}")
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$BACKUP_DIR/kepu-$db-$stamp.dump"
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT
pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$tmp"
pg_restore --list "$tmp" >/dev/null   # a readable archive, or fail now rather than on restore day
mv "$tmp" "$out"
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT" 2>/dev/null)" ]; then
  tar -czf "$BACKUP_DIR/kepu-$db-$stamp.media.tar.gz" -C "$MEDIA_ROOT" .
fi
# retention: newest $KEEP dumps of this database (and their media archives)
ls -1t "$BACKUP_DIR"/kepu-"$db"-*.dump 2>/dev/null | tail -n +$((KEEP + 1)) | while read -r old; do
  rm -f "$old" "${old%.dump}.media.tar.gz"
done
echo "$out"
