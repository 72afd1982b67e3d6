#!/usr/bin/env bash
# Run one Procfile process by name (web, worker, beat, release) in the foreground:
#   scripts/run_process.sh web
# The docker-compose services use this, so containers run exactly the Procfile's commands.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: run_process.sh web|worker|beat|release}
line=$(grep -E "^${name}:" Procfile | head -n1 || true)
[ -n "$line" ] || { echo "Procfile has no process '${name}'" >&2; exit 2; }
# Prefer the project's venv when there is one (make serve); containers install into the system Python.
[ -x .venv/bin/python ] && export PATH="$PWD/.venv/bin:$PATH"
exec sh -c "exec ${line#*:}"
