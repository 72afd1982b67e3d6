# The portal's image: one image, four roles (release, web, worker, beat) chosen by the command —
# each runs its Procfile line via scripts/run_process.sh, exactly as `make serve` does.
# (Not built on the development machines, which have no Docker engine; see README "Production operation".)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    KEPU_ENV=production \
    KEPU_BIND=0.0.0.0:8000 \
    KEPU_VAR_DIR=/var/lib/kepu \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/kepu/media

# gettext for compiled messages; postgresql-client for scripts/backup.sh and restore.sh
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings but no database or real secret
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --home /var/lib/kepu --uid 10001 kepu \
    && mkdir -p /var/lib/kepu/media \
    && chown -R kepu /var/lib/kepu /app/staticfiles
USER kepu
VOLUME ["/var/lib/kepu"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["scripts/run_process.sh", "web"]
