"""Fixtures for the events tests: a campaign like seed 002, returns in any state, uploads in a temp MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import io

import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KEPU_OFFICE_EMAILS = []


@pytest.fixture
def science_day(db):
    """2025年全国科普日: schedule due 9月12日, activities 9月15-21日, summary due 9月25日;
    all 7 districts + 市教育局."""
    from events.models import Campaign
    from programs.models import Region, ResponsibleUnit

    campaign = Campaign.objects.create(
        kind="science_day",
        year=2025,
        name="2025年全国科普日",
        theme="提升全民科学素质,助力科技自立自强",
        starts_on=dt.date(2025, 9, 15),
        ends_on=dt.date(2025, 9, 21),
        schedule_due=dt.date(2025, 9, 12),
        summary_due=dt.date(2025, 9, 25),
    )
    campaign.regions.set(Region.objects.districts())
    campaign.units.set(ResponsibleUnit.objects.filter(name="市教育局"))
    return campaign


@pytest.fixture
def make_return(db):
    """make_return(region or unit, status="draft", **fields) → an ActivityReturn in that state.

    The post-event report stands where the registration does unless `report_status` is given (as a return filed
    before the two phases migrated: registration and figures in one)."""
    from events.models import ActivityReturn

    def make(region=None, status="draft", unit=None, **fields):
        values = dict(
            title="科普进社区 · 人工智能体验",
            category="town_main_event",
            starts_on=dt.date(2025, 9, 16),
            ends_on=dt.date(2025, 9, 16),
            venue="湖塘镇新时代文明实践所",
            planned_participants=300,
            actual_participants=280,
        )
        values.update(fields)
        values.setdefault("report_status", status)
        return ActivityReturn.objects.create(region=region, unit=unit, status=status, **values)

    return make


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real, valid PNG."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# A real 16×16 baseline JPEG (543 bytes).
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010101000100010000ffdb00430003020202020203020202030303030406040404040408060605"
    "0609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010ffdb004301030303040304"
    "08040408100b090b101010101010101010101010101010101010101010101010101010101010101010101010101010101010"
    "1010101010101010ffc00011080010001003012200021101031101ffc4001600010101000000000000000000000000000704"
    "05ffc4002410000104010402020300000000000000000102030406050708121311220014093132ffc4001501010100000000"
    "000000000000000000000006ffc400231100010205030500000000000000000000010211030405062100123115166181e1ff"
    "da000c03010002110311003f0014a6d26a1b73c1e61312d4951cf31163e42565beba5aec694540b1e520b254a51fd2cab8fa"
    "f220ab963d976c9335e69b77d7e66da71781a5571c7f1cea71e24b39d7e32253f21a69ded4714a38b482e84b892a71691ecd"
    "2d213bf1efb91a74aceea15a758ed548ac655b858b81857b21299867a96b94b949654fb9c88529114b812af07ad9f23c807e"
    "55be0df662a140cce8e69a3d5cb743b3d77a6558b1d9512188bf64b8d3f1c3680429c0d0febb3c02e03c5407b4bdd97b54e6"
    "27fb6edf9460148262138db8529828370589727960e432896fc3828ea7528cea208dbe78191f07ad7fffd9"
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def xlsx_bytes(rows: list[list], title: str | None = "2025年武进区全国科普日活动安排表") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<w:document xmlns:w="w"/>')
    return buffer.getvalue()
