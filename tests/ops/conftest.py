"""Fixtures for the production-operation tests: private servers (see services.py), the plan."""

from __future__ import annotations

import io
import shutil

import pytest

from tests.conftest import require

from .services import PrivatePostgres, PrivateRedis, pg_bin


@pytest.fixture
def ensure_plan(db):
    """The plan data (transactional tests flush it after the first one runs)."""
    from django.core.management import call_command

    from programs.models import Region

    if not Region.objects.exists():
        call_command("load_plan", verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="session")
def private_postgres():
    require(pg_bin() is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server = PrivatePostgres()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.destroy()
