"""`make serve` (Procfile + honcho) and docker-compose run the same processes; serve really serves."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
import yaml

from .services import ROOT, free_port, wait_port


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def test_the_procfile_has_release_web_worker_and_beat():
    entries = procfile()
    assert set(entries) == {"release", "web", "worker", "beat"}
    assert entries["web"].startswith("gunicorn kepu_portal.wsgi:application")
    assert entries["worker"].startswith("celery -A kepu_portal worker")
    assert entries["beat"].startswith("celery -A kepu_portal beat")


def test_every_compose_portal_service_runs_its_procfile_line():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in procfile():
        assert services[name]["command"] == ["scripts/run_process.sh", name], name
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["release"]["condition"] == "service_completed_successfully"
        env = {**compose["x-portal"]["environment"], **services[name].get("environment", {})}
        assert env["KEPU_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith("redis://")


def test_the_dockerfile_starts_the_web_process_of_the_procfile_and_checks_healthz():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["scripts/run_process.sh", "web"]' in dockerfile
    assert "/healthz" in dockerfile and "KEPU_BIND=0.0.0.0:8000" in dockerfile


def test_run_process_executes_exactly_the_procfile_command(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool in ("gunicorn", "celery"):
        (fake / tool).write_text('#!/bin/sh\necho "$0 $*"\n')
        (fake / tool).chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:/usr/bin:/bin", CELERY_CONCURRENCY="3")
    # run_process.sh prefers .venv/bin; call it through a copy of the repo layout without a venv
    work = tmp_path / "repo"
    (work / "scripts").mkdir(parents=True)
    (work / "Procfile").write_text((ROOT / "Procfile").read_text())
    (work / "scripts" / "run_process.sh").write_text((ROOT / "scripts" / "run_process.sh").read_text())
    (work / "scripts" / "run_process.sh").chmod(0o755)
    for name in ("web", "worker", "beat"):
        out = subprocess.run(
            [str(work / "scripts" / "run_process.sh"), name], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        expected = procfile()[name].replace("${CELERY_CONCURRENCY:-2}", "3")
        assert out == f"{fake}/{expected}", (name, out)
    missing = subprocess.run(
        [str(work / "scripts" / "run_process.sh"), "nope"], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no process 'nope'" in missing.stderr


def test_honcho_is_what_make_serve_runs():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^serve: venv\n\tscripts/serve.sh$", makefile, re.M)
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    assert "scripts/run_process.sh release" in serve
    assert "honcho start --no-colour -f Procfile web worker beat" in serve


def honcho_json_lines(output: str, process: str) -> list[dict]:
    records = []
    for line in output.splitlines():
        match = re.match(rf"^\S+ {process}\.1\s+\| (\{{.*\}})\s*$", line)
        if match:
            records.append(json.loads(match.group(1)))
    return records


@pytest.mark.services
def test_make_serve_runs_gunicorn_worker_and_beat_on_postgres_and_redis(private_postgres, private_redis):
    import urllib.error
    import urllib.request

    from celery import Celery

    private_postgres.createdb("kepu_serve")
    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="kepu-serve-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "KEPU_", "CELERY_"))}
    env.update(
        DATABASE_URL=private_postgres.url("kepu_serve"),
        CELERY_BROKER_URL=private_redis.url(),
        KEPU_BIND=f"127.0.0.1:{port}",
        KEPU_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        WEB_CONCURRENCY="1",
        CELERY_CONCURRENCY="1",
    )
    log = open(var / "serve.log", "w+")  # noqa: SIM115 - serve.sh writes to it until the test stops it
    proc = subprocess.Popen(
        ["scripts/serve.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )

    def output() -> str:
        log.flush()
        return (var / "serve.log").read_text(errors="replace")

    def get(path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    try:
        assert wait_port(port, up=True, timeout=240), "serve did not start:\n" + output()[-4000:]
        status, headers, body = get("/healthz")
        health = json.loads(body)
        assert status == 200 and health["database"]["ok"] and health["broker"]["ok"], health
        # the worker executes a task sent through this Redis
        with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": private_redis.url()}):  # Celery prefers the variable
            Celery(broker=private_redis.url()).send_task("common.heartbeat_task", kwargs={"name": "serve-smoke"})
        deadline = time.time() + 60
        while time.time() < deadline:
            health = json.loads(get("/healthz")[2])
            if (health.get("worker") or {}).get("name") == "serve-smoke":
                break
            time.sleep(0.5)
        assert (health.get("worker") or {}).get("name") == "serve-smoke", output()[-4000:]
        # pages: production mode over plain HTTP on loopback (no redirect), CSP, whitenoise static files
        status, headers, body = get("/accounts/login/")
        assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
        css = re.search(rb'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', body)
        assert css, "static URLs carry the manifest hash"
        status, headers, _ = get(css.group(1).decode())
        assert status == 200 and "max-age=315360000" in headers["Cache-Control"]
        text = output()
        assert "beat.1" in text and "beat: Starting" in text
        assert honcho_json_lines(text, "web"), "web logs are JSON lines"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(var, ignore_errors=True)
