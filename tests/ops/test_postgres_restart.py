"""PostgreSQL restarted under a running gunicorn: the portal recovers without a restart of its own.

gunicorn runs in production mode with persistent connections (DB_CONN_MAX_AGE=60), so every
worker holds a connection that the restart kills; CONN_HEALTH_CHECKS makes the next request notice
and reconnect. The PostgreSQL cluster is a private one (services.py), so no other test run sees it.
"""

import json
import time

import pytest

from .services import Gunicorn, manage, portal_env

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def portal_db(private_postgres):
    private_postgres.createdb("kepu_restart")
    env = portal_env(private_postgres.url("kepu_restart"), DB_CONN_MAX_AGE="60")
    manage(env, "migrate", "--noinput", "-v0")
    manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User; from rest_framework.authtoken.models import Token; "
        "u = User.objects.create_user('restart-office', password='x', role='office'); "
        "Token.objects.create(user=u, key='a' * 40)",
    )
    return env


def retry_get(server: Gunicorn, path: str, headers=None, seconds: float = 15):
    """What a browser user does after an error page: try again (for at most `seconds`)."""
    deadline = time.time() + seconds
    attempts = []
    while True:
        status, body = server.get(path, headers=headers)
        attempts.append(status)
        if status == 200 or time.time() > deadline:
            return status, body, attempts
        time.sleep(0.5)


def test_the_portal_answers_again_after_postgresql_restarts_without_restarting_gunicorn(private_postgres, portal_db):
    server = Gunicorn(portal_db, workers=2)
    token = {"Authorization": "Token " + "a" * 40}
    try:
        for _ in range(4):  # warm both workers' persistent connections
            assert server.get("/api/v1/regions/", headers=token)[0] == 200
        pid = server.proc.pid
        private_postgres.restart()
        # every worker's first request after the restart already succeeds: CONN_HEALTH_CHECKS
        # finds the dead connection before the view runs and reconnects (without it: 500s)
        statuses = [server.get("/api/v1/regions/", headers=token)[0] for _ in range(6)]
        assert statuses == [200] * 6, f"statuses after the restart: {statuses}\n{server.output()[-3000:]}"
        status, health = server.get("/healthz")
        assert status == 200 and health["database"]["ok"] is True
        assert server.proc.pid == pid and server.proc.poll() is None  # the same gunicorn, never restarted
    finally:
        server.stop()


def test_healthz_says_503_while_postgresql_is_down_and_200_once_it_is_back(private_postgres, portal_db):
    server = Gunicorn(portal_db, workers=1)
    try:
        assert server.get("/healthz")[0] == 200
        private_postgres.stop()
        try:
            status, body = server.get("/healthz")
            assert status == 503
            assert body["status"] == "down" and "database" in body["down"] and body["database"]["ok"] is False
        finally:
            private_postgres.start()
        status, body, attempts = retry_get(server, "/healthz")
        assert status == 200 and body["database"]["ok"] is True, attempts
    finally:
        server.stop()


def test_production_logs_are_one_json_object_per_line(private_postgres, portal_db):
    server = Gunicorn(portal_db, workers=1)
    try:
        server.get("/healthz")
        server.get("/api/v1/regions/")  # 401: logged by django.request as a warning
    finally:
        server.stop()
    lines = [line for line in server.output().splitlines() if line.strip()]
    assert len(lines) >= 3
    records = [json.loads(line) for line in lines]  # every line parses
    assert all({"levelname", "name", "message"} <= set(r) for r in records)
    assert any(r["name"] == "gunicorn.access" and "/healthz" in r["message"] for r in records)
    assert any(r["name"] == "django.request" and r["levelname"] == "WARNING" for r in records)
