"""Small builders for the bases tests."""

from __future__ import annotations

import datetime as dt
import io

import pytest


@pytest.fixture
def make_base(db):
    from bases.models import Base

    counter = {"n": 0}

    def make(region, name=None, **kwargs):
        counter["n"] += 1
        return Base.objects.create(region=region, name=name or f"测试基地{counter['n']}", **kwargs)

    return make


@pytest.fixture
def certify(db):
    from bases.models import Certification

    def make(base, level="municipal", on=dt.date(2022, 6, 1), **kwargs):
        return Certification.objects.create(base=base, level=level, certified_on=on, **kwargs)

    return make


def xlsx_bytes(headers, rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def years_before(d: dt.date, years: int) -> dt.date:
    """The same calendar day `years` years earlier; 29 February becomes 28 February (so tests run on leap days)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)
