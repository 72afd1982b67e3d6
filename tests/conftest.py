"""Personas and service checks shared by every test.

Service-backed tests (PostgreSQL, Redis, a Celery worker, Chromium) run whenever those are present.
Under CI=true their absence is a failure, never a skip; elsewhere they skip and say why.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import socket

import pytest
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, why: str) -> None:
    """Skip (locally) or fail (in CI) when a service a test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {why}", pytrace=False)
    pytest.skip(why)


def external_assets(html: str) -> list[str]:
    """Scripts, styles, images and fonts a page loads from another host (src=/href= that start with
    http:, https: or //): the portal works offline, so every asset must come from its own /static/."""
    import re

    return re.findall(r'<(?:script|link|img|source)\b[^>]*?\b(?:src|href)=["\']((?:https?:)?//[^"\']+)', html, re.I)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def require_postgres_and_redis(settings):
    from django.db import connection

    require(
        connection.vendor == "postgresql", "this test needs DATABASE_URL=postgres://… (PostgreSQL pass of make test)"
    )
    require(bool(settings.CELERY_BROKER_URL.startswith("redis://")), "this test needs CELERY_BROKER_URL=redis://…")
    require(port_open("127.0.0.1", 6379), "Redis is not reachable on 127.0.0.1:6379")


@pytest.fixture
def require_chromium():
    require(
        shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium"),
        "Chromium is not installed (apt-get install -y chromium)",
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real plan once per test session; every test sees it."""
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0, stdout=io.StringIO())
        call_command("load_organisations", verbosity=0, stdout=io.StringIO())
        from indicators.models import RollupState

        RollupState.objects.all().delete()  # no roll-up is "queued" when a test starts


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Transactional tests flush the database at teardown; put the plan back for the tests that follow."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    if transactional and nextitem is not None:
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        from programs.models import Plan

        with item.config.stash[blocking_manager_key].unblock():
            if not Plan.objects.exists():
                call_command("load_plan", verbosity=0, stdout=io.StringIO())
                call_command("load_organisations", verbosity=0, stdout=io.StringIO())
                from indicators.models import RollupState

                RollupState.objects.all().delete()
            connections.close_all()


def _make_user(username, role, region_code=None, unit_name=None, **extra):
    """A persona; `extra` may carry organisation= or base= for those contacts."""
    from accounts.models import User
    from programs.models import Region, ResponsibleUnit

    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        role=role,
        email=f"{username}@example.invalid",
        region=Region.objects.get(code=region_code) if region_code else None,
        unit=ResponsibleUnit.objects.get(name=unit_name) if unit_name else None,
        **extra,
    )
    return user


@pytest.fixture
def office_user(db):
    from accounts.demo import office_group

    user = _make_user("office1", "office", last_name="市科协科普部", is_staff=True)
    user.groups.add(office_group())
    return user


@pytest.fixture
def wujin_user(db):
    return _make_user("wujin1", "district", region_code="320412", last_name="武进区科协")


@pytest.fixture
def tianning_user(db):
    return _make_user("tianning1", "district", region_code="320402", last_name="天宁区科协")


@pytest.fixture
def liaison_user(db):
    return _make_user("jyj1", "liaison", unit_name="市教育局", last_name="市教育局")


@pytest.fixture
def other_liaison_user(db):
    return _make_user("nync1", "liaison", unit_name="市农业农村局", last_name="市农业农村局")


@pytest.fixture
def leader_user(db):
    return _make_user("leader1", "leader", last_name="分管领导")


# --- the parties below the districts (towns from programs/fixtures/changzhou_organisations.yaml) ---------------
HUTANG, HONGMEI = "320412100", "320402004"  # 湖塘镇 (武进区), 红梅街道 (天宁区)


@pytest.fixture
def hutang(db):
    from programs.models import Region

    return Region.objects.get(code=HUTANG)


@pytest.fixture
def hongmei(db):
    from programs.models import Region

    return Region.objects.get(code=HONGMEI)


@pytest.fixture
def hutang_clerk(db):
    """镇(街道)科协 clerk of 湖塘镇, under 武进区."""
    return _make_user("hutang1", "town", region_code=HUTANG, last_name="湖塘镇科协")


@pytest.fixture
def hongmei_clerk(db):
    """镇(街道)科协 clerk of 红梅街道, under 天宁区: must see nothing of 武进 or its towns."""
    return _make_user("hongmei1", "town", region_code=HONGMEI, last_name="红梅街道科协")


@pytest.fixture
def wujin_society(db):
    from programs.models import Organisation, Region

    return Organisation.objects.create(
        code="T-320412-S01", name="武进区测试学会", kind="society", region=Region.objects.get(code="320412")
    )


@pytest.fixture
def society_contact(wujin_society):
    """Contact of a 武进区 学会 (an organisation filing to 武进区)."""
    return _make_user("society1", "organisation", organisation=wujin_society, last_name="武进区测试学会")


@pytest.fixture
def wujin_base(db):
    from bases.models import Base
    from programs.models import Region

    return Base.objects.create(name="武进区测试科普基地", region=Region.objects.get(code="320412"))


@pytest.fixture
def base_contact(wujin_base):
    """Contact of a 武进区 science-education base."""
    return _make_user("base1", "base", base=wujin_base, last_name="武进区测试科普基地")


@pytest.fixture
def wujin(db):
    from programs.models import Region

    return Region.objects.get(code="320412")


@pytest.fixture
def tianning(db):
    from programs.models import Region

    return Region.objects.get(code="320402")


@pytest.fixture
def client_for(client):
    """client_for(user) → a Django test client logged in as user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():
    """api_for(user) → a DRF APIClient authenticated as user (or anonymous for None)."""
    from rest_framework.test import APIClient

    def make(user):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


# --- one Playwright (Debian Chromium) per test session, shared by every browser test -----------------------
CHROMIUM = os.environ.get("KEPU_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _playwright():
    require(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A test that switches to English (a page, a token view) must not leave later tests' messages in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def xlsx_with_raw_numbers(data: bytes, raw: dict[int, str]) -> bytes:
    """The workbook with the stored text of number cells replaced: a cell written as the int key is stored as the
    string value (openpyxl writes float('inf') and float('nan') as empty cells; Excel files can still carry
    <v>1e400</v> or <v>NaN</v>, which openpyxl reads back as infinity and NaN)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                for number, text in raw.items():
                    content = content.replace(f"<v>{number}</v>".encode(), f"<v>{text}</v>".encode())
            target.writestr(info, content)
    return out.getvalue()


def _cell_with_result(match: re.Match[bytes], ref: str, text: str) -> bytes:
    """A formula cell as Excel saves it: its formula and its (text) result."""
    return f'<c r="{ref}" t="str">'.encode() + match.group(1) + f"<v>{text}</v>".encode()


def xlsx_with_results(data: bytes, results: dict[str, str]) -> bytes:
    """The workbook with a stored text result for formula cells ({"C2": "路1号"}), as Excel saves them
    (openpyxl writes a formula without its result)."""
    import io
    import re
    import zipfile
    from xml.sax.saxutils import escape

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                for ref, text in results.items():
                    content = re.sub(
                        # openpyxl writes the empty result as <v/> or, with lxml installed, <v></v>
                        rf'<c r="{ref}"[^>]*>(<f>.*?</f>)(?:<v ?/>|<v></v>)'.encode(),
                        functools.partial(_cell_with_result, ref=ref, text=escape(text)),
                        content,
                    )
            target.writestr(info, content)
    return out.getvalue()
