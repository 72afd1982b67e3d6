#!/usr/bin/env bash
# Before the processes start: apply migrations, collect static files (whitenoise serves them from
# STATIC_ROOT; production uses the compressed manifest storage), load the plan if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] && PY=.venv/bin/python || PY=python
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput --verbosity 0
$PY manage.py shell -c "from programs.models import Plan; import sys; sys.exit(0 if Plan.objects.exists() else 3)" \
  || $PY manage.py load_plan
