"""scripts/backup.sh + scripts/restore.sh: a backup restored into an empty database holds every record."""

import os
import subprocess
import uuid

import psycopg2
import pytest
from django.db import connection

from .services import ROOT

pytestmark = pytest.mark.services


def dsn(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def table_counts(url: str) -> dict[str, int]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cur.fetchall()]
            counts = {}
            for table in tables:
                cur.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cur.fetchone()[0]
            return counts
    finally:
        conn.close()


def rows(url: str, sql: str) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def drop_database(name: str):
    conn = psycopg2.connect(dsn("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_record(
    require_postgres_and_redis, ensure_plan, tmp_path, office_user, wujin_user
):
    from common.models import PendingTask, WorkerHeartbeat

    wujin_user.phone = "0519-86000000"
    wujin_user._history_user = office_user
    wujin_user.save()  # a history row too
    WorkerHeartbeat.objects.create(name="backup-test", at="2026-01-02T03:04:05+08:00", worker="w")
    PendingTask.objects.create(task_name="common.heartbeat_task", args=["中文参数"], kwargs={"k": [1, 2]})

    source = dsn(connection.settings_dict["NAME"])
    env = dict(os.environ, DATABASE_URL=source, BACKUP_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "no-media"))
    backup = subprocess.run(["scripts/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    assert dump.endswith(".dump") and os.path.getsize(dump) > 0

    target_name = f"kepu_restore_{uuid.uuid4().hex[:10]}"
    try:
        restore = subprocess.run(
            ["scripts/restore.sh", dump],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            env=dict(os.environ, TARGET_DATABASE_URL=dsn(target_name)),
        )
        assert restore.returncode == 0, restore.stderr
        before, after = table_counts(source), table_counts(dsn(target_name))
        assert after == before  # every table, every row count
        assert before["programs_task"] > 0 and before["common_historicaluser"] > 0
        for sql in (
            "SELECT username, role, phone, region_id, password FROM accounts_user ORDER BY id",
            "SELECT code, name FROM programs_region ORDER BY code",
            "SELECT id, code, title FROM programs_task ORDER BY id",
            "SELECT name, at, worker FROM common_workerheartbeat ORDER BY id",
            "SELECT task_name, args::text, kwargs::text FROM common_pendingtask ORDER BY id",
            "SELECT history_id, phone, history_user_id, history_type FROM common_historicaluser ORDER BY history_id",
        ):
            assert rows(dsn(target_name), sql) == rows(source, sql), sql
        # sequences restored too: the next id continues after the restored rows
        next_id = rows(dsn(target_name), "SELECT nextval(pg_get_serial_sequence('accounts_user', 'id'))")[0][0]
        assert next_id > max(r[0] for r in rows(source, "SELECT id FROM accounts_user"))
        # a second restore into the now non-empty database is refused, nothing overwritten
        again = subprocess.run(
            ["scripts/restore.sh", dump],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ, TARGET_DATABASE_URL=dsn(target_name)),
        )
        assert again.returncode == 3 and "refusing to restore" in again.stderr
    finally:
        drop_database(target_name)
