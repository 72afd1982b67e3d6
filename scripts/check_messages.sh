#!/usr/bin/env bash
# The compiled English catalogue in the repo must match its .po source.
set -euo pipefail
PY=${1:-.venv/bin/python}
po=locale/en/LC_MESSAGES/django.po
mo=locale/en/LC_MESSAGES/django.mo
[ -f "$po" ] && [ -f "$mo" ] || { echo "missing $po or $mo: run make messages" >&2; exit 1; }
tmp=$(mktemp); msgfmt -o "$tmp" "$po"
cmp -s "$tmp" "$mo" || { rm -f "$tmp"; echo "$mo is stale: run make messages" >&2; exit 1; }
rm -f "$tmp"
