"""Issue 12, point 8: the one import engine in common/imports/ — reading csv and xlsx in every encoding Excel
saves, the header below title rows, the row cap, formula cells refused; the stash of pending imports in the
PRIVATE storage under a session-bound token (never the user's file name, never MEDIA_ROOT, expired files
removed); all-or-nothing writes."""

from __future__ import annotations

import codecs
import io
import os
import re
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from openpyxl import Workbook

from common.imports import ImportFileError, read_upload, run_import, stash
from common.imports.reading import ReadOptions

pytestmark = pytest.mark.django_db

HEADERS = ["编号", "名称", "人数"]
REQUIRED = ["名称"]
ROWS = [["", "科普讲座", "200"], ["", "科技馆开放日", "约1200人次"]]


@pytest.fixture(autouse=True)
def roots_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"


def csv_text(rows, sep=","):
    return "\r\n".join(sep.join(r) for r in rows) + "\r\n"


def xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(lambda t: t.encode("gbk"), id="gbk (Excel 'CSV' on a Chinese Windows)"),
        pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), id="utf-8 with BOM (Excel 'CSV UTF-8')"),
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(
            lambda t: codecs.BOM_UTF16_LE + t.replace(",", "\t").encode("utf-16-le"), id="utf-16 unicode text"
        ),
    ],
)
def test_csv_is_read_in_every_encoding_excel_saves(encoded):
    upload = read_upload(encoded(csv_text([HEADERS, *ROWS])), "表.csv", HEADERS, REQUIRED)
    assert upload.fmt == "csv" and upload.row_numbers == [2, 3]
    assert [r["名称"] for r in upload.dataset.dict] == ["科普讲座", "科技馆开放日"]


def test_xlsx_is_read_below_a_title_row_and_blank_rows_are_skipped():
    upload = read_upload(
        xlsx([["2025年活动表"], HEADERS, ROWS[0], [None, None, None], ROWS[1]]), "表.xlsx", HEADERS, REQUIRED
    )
    assert upload.fmt == "xlsx" and upload.row_numbers == [3, 5]


def test_the_ignore_reading_keeps_known_columns_and_strips_required_marks():
    data = xlsx([["名称*", "备注", "人数"], ["科普讲座", "随便写", 5]])
    upload = read_upload(data, "表.xlsx", HEADERS, REQUIRED, options=ReadOptions(unknown_columns="ignore"))
    assert upload.dataset.headers == ["名称", "人数"] and upload.dataset.dict == [{"名称": "科普讲座", "人数": 5}]
    with pytest.raises(ImportFileError, match="未知的列名“备注”"):
        read_upload(data, "表.xlsx", HEADERS, REQUIRED)


def test_the_row_cap_and_a_formula_without_result_are_refused_in_chinese(settings):
    with pytest.raises(ImportFileError, match="数据行数超过上限 1 行"):
        read_upload(xlsx([HEADERS, *ROWS]), "表.xlsx", HEADERS, REQUIRED, max_rows=1)
    wb = Workbook()
    wb.active.append(HEADERS)
    wb.active.append(["", "科普讲座", "=1+1"])
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stores the formula without a computed value
    with pytest.raises(ImportFileError) as refused:
        read_upload(buffer.getvalue(), "表.xlsx", HEADERS, REQUIRED)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "人数")]
    assert "单元格 C2 是公式" in refused.value.problems[0].message


def test_a_binary_file_named_csv_and_an_unknown_encoding_are_named():
    with pytest.raises(ImportFileError, match="不是文本格式的 CSV"):
        read_upload(b"\x00\x01\x02" * 50, "表.csv", HEADERS, REQUIRED)
    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        read_upload(b"abc", "表.xls", HEADERS, REQUIRED)


def _request(user=None):
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = user
    return request


def test_the_stash_is_in_private_storage_under_a_token_never_the_file_name(settings):
    request = _request()
    token = stash.stash_upload(request, "bases", b"data", "../../etc/我的表.xlsx")
    files = [p for p in Path(settings.KEPU_PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [p.name for p in files] == [f"{token}.xlsx"] and re.fullmatch(r"[0-9a-f]{32}", token)
    assert not any(
        "我的表" in str(p) or "etc" in p.relative_to(settings.KEPU_PRIVATE_MEDIA_ROOT).as_posix() for p in files
    )
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))
    assert stash.load_stash(request, "bases", token) == (b"data", "../../etc/我的表.xlsx")


def test_the_stash_is_bound_to_the_session_and_the_kind():
    mine = _request()
    token = stash.stash_upload(mine, "bases", b"data", "a.xlsx")
    assert stash.load_stash(_request(), "bases", token) == (None, None)  # another session
    assert stash.load_stash(mine, "events", token) == (None, None)  # another import
    assert stash.load_stash(mine, "bases", "../" + token) == (None, None)
    stash.drop_stash(mine, token)
    assert stash.load_stash(mine, "bases", token) == (None, None)
    assert not list(stash.stash_dir().iterdir())


def test_expired_stashes_are_removed():
    request = _request()
    old = stash.stash_upload(request, "bases", b"old", "a.csv")
    path = stash.stash_dir() / f"{old}.csv"
    long_ago = time.time() - stash.STASH_MAX_AGE_SECONDS - 60
    os.utime(path, (long_ago, long_ago))
    stash.stash_upload(request, "bases", b"new", "b.csv")
    assert not path.exists() and stash.load_stash(request, "bases", old) == (None, None)


def test_the_bases_import_page_stashes_in_private_storage(client_for, office_user, wujin, settings):
    from tests.bases.conftest import xlsx_bytes

    data = xlsx_bytes(["基地名称", "所属区域"], [["湖塘科技馆", "武进区"]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client_for(office_user).post("/bases/import/bases/", {"file": SimpleUploadedFile("../x.xlsx", data)})
    token = page.context["token"]
    assert list(Path(settings.KEPU_PRIVATE_MEDIA_ROOT).rglob(f"{token}.*"))
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_an_import_is_all_or_nothing(office_user, wujin):
    from bases.models import Base
    from bases.resources import BaseResource
    from tests.bases.conftest import xlsx_bytes

    rows = [["甲馆", "武进区"], ["乙馆", "不存在的区"], ["丙馆", "武进区"]]
    upload = read_upload(
        xlsx_bytes(["基地名称", "所属区域"], rows), "b.xlsx", BaseResource.column_names(), BaseResource.required_columns
    )
    outcome = run_import(BaseResource(user=office_user), upload, dry_run=False)
    assert [(p.row, p.column) for p in outcome.problems] == [(3, "所属区域")]
    assert Base.objects.count() == 0
    good = read_upload(
        xlsx_bytes(["基地名称", "所属区域"], [rows[0], rows[2]]),
        "b.xlsx",
        BaseResource.column_names(),
        BaseResource.required_columns,
    )
    assert run_import(BaseResource(user=office_user), good, dry_run=True).ok and Base.objects.count() == 0
    assert run_import(BaseResource(user=office_user), good, dry_run=False).new == 2
    assert Base.objects.count() == 2


def test_numbers_as_clerks_write_them_are_understood_by_the_count_parser():
    from common.imports.widgets import parse_count

    assert [parse_count(v) for v in ("约200人", "1,200人次", "3万", "", 12.0)] == [200, 1200, 30000, 0, 12]
    with pytest.raises(ValueError, match="不是有效的整数"):
        parse_count("很多")
