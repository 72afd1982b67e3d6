"""Private PostgreSQL / Redis servers and a gunicorn process for the fault tests.

The fault tests stop and restart servers. They do it to servers of their own — a throwaway
PostgreSQL cluster (initdb in a temp dir) and a redis-server on a free port — started from the
same Debian binaries as the machine's services, so other test runs sharing the machine's
PostgreSQL and Redis never see an outage. Every start/stop waits until the server really is
up/down, and every fixture stops what it started.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, up: bool = True, timeout: float = 20.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                is_up = True
        except OSError:
            is_up = False
        if is_up == up:
            return True
        time.sleep(0.1)
    return False


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own: start(), stop(), restart(), url(dbname)."""

    def __init__(self):
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb) not found under /usr/lib/postgresql")
        self.bin = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kepu-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres")
        self._run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )

    def _run(self, cmd, check=True):
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=60)

    def _ctl(self, action, *extra):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        return self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                opts,
                "-l",
                str(self.dir / "log"),
                "-w",
                "-t",
                "30",
                action,
                *extra,
            ]
        )

    def start(self):
        self._ctl("start")
        assert wait_port(self.port, up=True), "private PostgreSQL did not come up"

    def stop(self):
        self._ctl("stop", "-m", "fast")
        assert wait_port(self.port, up=False), "private PostgreSQL did not stop"

    def restart(self):
        self._ctl("restart", "-m", "fast")
        assert wait_port(self.port, up=True), "private PostgreSQL did not come back"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def createdb(self, name: str):
        import psycopg2

        conn = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=self.port)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kepu-redis-"))
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_port(self.port, up=True), "private Redis did not come up"

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        assert wait_port(self.port, up=False), "private Redis did not stop"

    def destroy(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(env: dict, *args, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def portal_env(database_url: str, broker_url: str = "", **extra) -> dict:
    """Environment for a portal subprocess in production mode, plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        KEPU_ENV="production",
        KEPU_HTTPS="false",
        SECRET_KEY="test-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        KEPU_TESTING="false",
        DEBUG="false",
        STATIC_ROOT=str(ROOT / "staticfiles"),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Gunicorn:
    """`gunicorn` with the Procfile's config (deploy/gunicorn.conf.py) on a free loopback port."""

    def __init__(self, env: dict, workers: int = 1):
        self.port = free_port()
        self.env = dict(env, KEPU_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers))
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - gunicorn writes to it until stop() closes it
            prefix="kepu-gunicorn-", suffix=".log", delete=False
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "kepu_portal.wsgi:application", "--config", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if not wait_port(self.port, up=True, timeout=30):
            self.stop()
            raise RuntimeError("gunicorn did not start:\n" + self.output())

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict | str]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read().decode()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def output(self) -> str:
        if getattr(self, "_final", None) is not None:
            return self._final
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_final", None) is None:
            self._final = self.output()
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
