"""Load benchmark: the served portal — gunicorn on PostgreSQL in production mode, a Celery worker
on Redis — on loopback, driven by locust (headless): KEPU_BENCH_USERS concurrent users (100) for
KEPU_BENCH_SECONDS (60) mixing page lists and details, the API, the dashboard and submissions (districts file
and submit activity returns, office staff approve them, which enqueues roll-ups on the worker), on the demo
data plus a large generated data set (bench/benchlib.py: KEPU_BENCH_BASES 10,000 bases, KEPU_BENCH_RETURNS
100,000 activity returns, KEPU_BENCH_REPORT_UNITS 200 × 5 unit reports). Prints requests/s, p50/p95/p99
and the error count; exits 1 if any request failed.

Run: .venv/bin/python bench/load_bench.py           (make bench runs it with the other bench/*_bench.py)
Quick: KEPU_BENCH_SECONDS=15 KEPU_BENCH_USERS=20 .venv/bin/python bench/load_bench.py

Environment: PG_URL or KEPU_BENCH_PG (the server; see bench/benchlib.py), KEPU_BENCH_DB (kepu_bench_load,
dropped and recreated), KEPU_BENCH_WORKERS (gunicorn workers, 3), KEPU_BENCH_SEED (manage.py commands that
fill the database, "seed_demo"), KEPU_BENCH_BROKER (the worker's Redis, default REDIS_URL's server, db 14;
"" runs tasks in-process inside the requests), KEPU_BENCH_URLS (comma list
replacing the GET mix; `{task}`, `{unit}`, `{population}`, `{region}` are filled from the data),
KEPU_BENCH_KEEP_DB=1 keeps the database afterwards.
Users log in before the timed run (one session per simulated user; the password hash costs ~0.3 s of
CPU per login and is measured separately) — the timed mix is what logged-in staff do all day.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import create_database, drop_database, pg_server

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG = pg_server()
DB_NAME = os.environ.get("KEPU_BENCH_DB", "kepu_bench_load")
LARGE = {
    "bases": os.environ.get("KEPU_BENCH_BASES", "10000"),
    "returns": os.environ.get("KEPU_BENCH_RETURNS", "100000"),
    "report-units": os.environ.get("KEPU_BENCH_REPORT_UNITS", "200"),
}


def default_broker() -> str:
    parts = urllib.parse.urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/14", "", ""))


BROKER = os.environ.get("KEPU_BENCH_BROKER", default_broker())
USERS = int(os.environ.get("KEPU_BENCH_USERS", "100"))
SECONDS = int(os.environ.get("KEPU_BENCH_SECONDS", "60"))
WORKERS = int(os.environ.get("KEPU_BENCH_WORKERS", "3"))
SEED = os.environ.get("KEPU_BENCH_SEED", "seed_demo").split(",")
DEMO_PASSWORD = os.environ.get("KEPU_BENCH_PASSWORD", "kepu-demo-2025")
ROLES = {"office": "office", "wujin": "district", "tianning": "district", "jiaoyuju": "liaison", "leader": "leader"}

# (weight, path): lists and details, the API, the dashboard; submissions are in the locustfile.
DEFAULT_GETS = [
    (6, "/"),
    (8, "/plan/"),
    (6, "/plan/tasks/{task}/"),
    (5, "/plan/units/"),
    (4, "/plan/units/{unit}/"),
    (3, "/plan/populations/{population}/"),
    (8, "/indicators/"),
    (4, "/bases/"),
    (4, "/events/"),
    (6, "/api/v1/tasks/"),
    (5, "/api/v1/tasks/?level=measure&page=1"),
    (4, "/api/v1/regions/"),
    (3, "/api/v1/units/"),
    (3, "/api/v1/regions/{region}/"),
    (3, "/api/v1/indicators/"),
    (3, "/api/v1/dashboard/summary/"),
    (3, "/api/v1/bases/"),
    (3, "/api/v1/activities/"),
    (3, "/indicators/?region={region}"),
    (3, "/events/review/"),
    (2, "/plan/reports/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_env(static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        KEPU_ENV="production",
        KEPU_HTTPS="false",
        SECRET_KEY="bench-only-" + "k" * 50,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=PG + DB_NAME,
        KEPU_TESTING="false",
        DB_CONN_MAX_AGE="60",
        STATIC_ROOT=str(static_root),
        WEB_CONCURRENCY=str(WORKERS),
        LOG_LEVEL="WARNING",
        CELERY_BROKER_URL=BROKER,
    )
    return env


def manage(env: dict, *args: str) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def sample_values(env: dict) -> dict:
    code = (
        "import json; from programs.models import Task, ResponsibleUnit, TargetPopulation, Region; "
        "print(json.dumps({'task': Task.objects.filter(level='measure').order_by('id').first().code, "
        "'unit': ResponsibleUnit.objects.order_by('id').first().pk, "
        "'population': TargetPopulation.objects.order_by('order').first().code, "
        "'region': Region.objects.filter(level='district').order_by('code').first().code}))"
    )
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def login(base: str, username: str) -> dict:
    import requests

    session = requests.Session()
    session.get(base + "/accounts/login/", timeout=30)
    response = session.post(
        base + "/accounts/login/",
        timeout=60,
        allow_redirects=False,
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
        },
        headers={"Referer": base + "/accounts/login/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
    return {"username": username, "role": ROLES[username], "cookies": session.cookies.get_dict()}


def preflight(base: str, sessions: list[dict], paths: list[tuple[int, str]]) -> dict[str, list[tuple[int, str]]]:
    """Each role's share of the GET mix: the paths that role may open (a liaison is refused the dashboard
    and the base registry, a district another region's dashboard, by design — a 403/404 there is the
    permission rule, so that role does not ask). Any other error before the run stops the bench."""
    import requests

    by_role: dict[str, list[tuple[int, str]]] = {}
    for session in sessions:
        role = session["role"]
        if role in by_role:
            continue
        kept = []
        for weight, path in paths:
            status = requests.get(
                base + path, cookies=session["cookies"], timeout=30, allow_redirects=False
            ).status_code
            if status in (403, 404):  # refused, or outside the role's remit (another region's page is a 404)
                continue
            elif status >= 400:
                raise SystemExit(f"{path} answers HTTP {status} to {role} before the run; fix that first")
            else:
                kept.append((weight, path))
        by_role[role] = kept
        print(f"  {role}: {len(kept)} of {len(paths)} GET paths in its mix")
    return by_role


def rollup_runs(env: dict, since: float) -> int:
    code = (
        "import datetime as dt; from indicators.models import RollupRun; "
        f"print(RollupRun.objects.filter(started_at__gte=dt.datetime.fromtimestamp({since}, dt.timezone.utc), "
        "status='ok').count())"
    )
    return int(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _seed(env: dict) -> None:
    """Migrate, run the SEED commands and generate the large data set (roll-ups in-process, no broker)."""
    manage(env, "migrate", "--noinput", "-v0")
    seed_env = dict(env, CELERY_BROKER_URL="")  # the seeding's roll-ups run in-process
    for command in SEED:
        if command.strip():
            manage(seed_env, command.strip())
    t0 = time.time()
    generated = subprocess.run(
        [PY, str(ROOT / "bench" / "benchlib.py"), "generate", *[f"--{k}={v}" for k, v in LARGE.items()]],
        cwd=ROOT,
        env=seed_env,
        capture_output=True,
        text=True,
    )
    if generated.returncode != 0:
        raise SystemExit(f"generating the large data set failed:\n{generated.stdout}\n{generated.stderr}")
    print(f"  {generated.stdout.strip().splitlines()[-1]} in {time.time() - t0:.0f} s")


def main() -> int:
    started = time.time()
    static_root = ROOT / "var" / "bench-static"
    env = portal_env(static_root)
    print(
        f"load bench: {USERS} users × {SECONDS} s, gunicorn {WORKERS} workers, PostgreSQL {DB_NAME}, "
        f"broker {BROKER or 'none (in-process tasks)'}"
    )
    create_database(DB_NAME, PG)
    server = worker = None
    try:
        _seed(env)
        print("  collecting static files (compressed manifest, as in production) …")
        manage(env, "collectstatic", "--noinput", "-v0")
        values = sample_values(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - gunicorn writes to it until the end
        if BROKER:
            import redis

            redis.Redis.from_url(BROKER).flushdb()  # the bench's own Redis database: nothing left from a past run
            worker_log = open(ROOT / "var" / "bench-worker.log", "w")  # noqa: SIM115 - the worker writes to it
            worker = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "kepu_portal",
                    "worker",
                    "--concurrency=1",
                    "--loglevel=WARNING",
                    "-n",
                    f"bench-{os.getpid()}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        server = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "kepu_portal.wsgi:application",
                "--config",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        urls = os.environ.get("KEPU_BENCH_URLS")
        gets = [(1, u.strip()) for u in urls.split(",") if u.strip()] if urls else DEFAULT_GETS
        gets = [(w, p.format(**{k: urllib.parse.quote(str(v)) for k, v in values.items()})) for w, p in gets]
        t0 = time.time()
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            names = list(ROLES)
            sessions = list(pool.map(lambda i: login(base, names[i % len(names)]), range(USERS)))
        login_seconds = time.time() - t0
        print(f"  {USERS} logins before the run: {login_seconds:.1f} s ({login_seconds / USERS * 1000:.0f} ms each)")
        gets_by_role = preflight(base, sessions, gets)
        workdir = Path(tempfile.mkdtemp(prefix="kepu-locust-"))
        (workdir / "sessions.json").write_text(json.dumps(sessions))
        (workdir / "gets.json").write_text(json.dumps(gets_by_role))
        prefix = workdir / "run"
        locust_env = dict(
            os.environ,
            KEPU_BENCH_SESSIONS=str(workdir / "sessions.json"),
            KEPU_BENCH_GETS=str(workdir / "gets.json"),
            KEPU_BENCH_PASSWORD=DEMO_PASSWORD,
        )
        exe = Path(PY).with_name("locust")
        cmd = [
            str(exe) if exe.exists() else "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(max(1, USERS // 5)),
            "-t",
            f"{SECONDS}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ]
        print(f"  running locust: {' '.join(cmd[1:])}")
        t_run = time.time()
        result = subprocess.run(cmd, cwd=ROOT, env=locust_env, capture_output=True, text=True)
        rows = read_stats(prefix)
        total = next(r for r in rows if r["Name"] == "Aggregated")
        print()
        print(f"{'request':48} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  ms")
        for row in rows:
            if row["Name"] != "Aggregated":
                print(
                    f"{(row['Type'] + ' ' + row['Name'])[:48]:48} {row['Request Count']:>7} {row['Failure Count']:>5} "
                    f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
                )
        exceptions_csv = Path(f"{prefix}_exceptions.csv")
        exceptions = list(csv.DictReader(exceptions_csv.read_text().splitlines())) if exceptions_csv.exists() else []
        if exceptions:  # an exception inside a locust task is an error of the bench itself: never hide it
            print("locust task exceptions:")
            for row in exceptions:
                print(f"  {row.get('Count')}× {row.get('Message')}\n{row.get('Traceback', '')[-800:]}")
        errors = int(total["Failure Count"]) + sum(int(row.get("Count", 0) or 0) for row in exceptions)
        conflicts = next(
            (
                int(line.split("=")[1])
                for line in (result.stdout + result.stderr).splitlines()
                if line.startswith("KEPU_BENCH_CONFLICTS=")
            ),
            0,
        )
        rollups = rollup_runs(env, since=t_run)
        summary = {
            "users": USERS,
            "seconds": SECONDS,
            "gunicorn_workers": WORKERS,
            "requests": int(total["Request Count"]),
            "rps": round(float(total["Requests/s"]), 1),
            "p50_ms": int(float(total["50%"])),
            "p95_ms": int(float(total["95%"])),
            "p99_ms": int(float(total["99%"])),
            "errors": errors,
            "mix_by_role": {role: len(kept) for role, kept in gets_by_role.items()},
            "approval_conflicts_409": conflicts,
            "rollups_during_run": rollups,
            "data": {k: int(v) for k, v in LARGE.items()},
        }
        print()
        print(
            f"TOTAL  {summary['requests']} requests  {summary['rps']} req/s  p50 {summary['p50_ms']} ms  "
            f"p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  errors {errors}"
        )
        print(
            f"       approvals that lost the race to another reviewer (409, the conflict rule): {conflicts}; "
            f"roll-ups the worker finished during the run: {rollups}"
        )
        out_dir = ROOT / "var" / "bench"
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "load_bench.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
        if errors:
            failures = Path(f"{prefix}_failures.csv")
            print(failures.read_text() if failures.exists() else result.stderr[-3000:])
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"(whole bench {time.time() - started:.0f} s; summary in var/bench/load_bench.json)")
        return 1 if errors or result.returncode not in (0, 1) else 0
    finally:
        for proc in (server, worker):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if os.environ.get("KEPU_BENCH_KEEP_DB") != "1":
            drop_database(DB_NAME, PG)


if __name__ == "__main__":
    sys.exit(main())
