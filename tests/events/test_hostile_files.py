"""Files that cost or carry more than they seem (issue 11, point 4): every upload goes through common/uploads.py.

Generated in the tests: a 30000×30000 PNG of a few KB, a zip-bomb workbook, an XML-bomb and an XXE docx, photos
named to land as scripts on disk. Before, the events import had no compression check, bombs were stored as
attachments, summaries and filings, the huge PNG was served, and photos kept the client's extension.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.uploads import UploadRejected
from events import services

from .conftest import JPEG_BYTES, docx_bytes, png_bytes

pytestmark = pytest.mark.django_db


def huge_png(width=30000, height=30000) -> bytes:
    """A PNG whose header says 30000×30000 pixels: a few KB on the wire, 2.7 GB once decoded."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * 1000  # a few rows only; the header is what matters
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * 10, 9)) + chunk(b"IEND", b"")
    )


def office_file(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XML_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    '<w:document xmlns:w="w">&lol2;</w:document>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<w:document xmlns:w="w">&xxe;</w:document>'
)


def bomb_docx(document: str) -> bytes:
    return office_file({"[Content_Types].xml": "<Types/>", "word/document.xml": document})


def zip_bomb_xlsx() -> bytes:
    """A workbook whose sheet inflates to 200 MB (compressed about 200 KB)."""
    return office_file(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"<sheetData>" + b" " * (200 * 1024 * 1024) + b"</sheetData>",
        }
    )


@pytest.fixture
def draft(make_return, wujin, science_day):
    return make_return(wujin, campaign=science_day, title="武进的草稿")


def test_a_30000_by_30000_png_is_refused_as_a_photo_before_it_is_decoded(draft, wujin_user):
    started = time.perf_counter()
    with pytest.raises(UploadRejected, match="尺寸过大"):
        services.add_photos(draft, wujin_user, [SimpleUploadedFile("巨图.png", huge_png())])
    assert time.perf_counter() - started < 2 and draft.photos.count() == 0


@pytest.mark.parametrize("name", [".htaccess", "x", "现场照片"])
def test_a_photo_is_stored_under_a_name_the_portal_chose(draft, wujin_user, name):
    photo = services.add_photos(draft, wujin_user, [SimpleUploadedFile(name, JPEG_BYTES)])[0]
    stored = photo.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".jpg") and len(stored) == 32 + 4 and name not in stored
    assert photo.original_name == name  # what the clerk called it is kept for the page, not the disk


@pytest.mark.parametrize("name", ["x.jpg.php", "photo.html", "shell.jsp"])
def test_a_photo_whose_name_claims_another_type_is_refused(draft, wujin_user, name):
    with pytest.raises(UploadRejected, match="扩展名与内容不符"):
        services.add_photos(draft, wujin_user, [SimpleUploadedFile(name, JPEG_BYTES)])


@pytest.mark.parametrize("document, message", [(XML_BOMB, "XML 炸弹"), (XXE, "外部实体")])
def test_xml_bombs_and_xxe_are_refused_as_summaries_filings_and_attachments(
    draft, wujin_user, science_day, document, message
):
    with pytest.raises(UploadRejected, match=message):
        services.check_document(SimpleUploadedFile("总结.docx", bomb_docx(document)))
    with pytest.raises(UploadRejected, match=message):
        services.file_campaign(
            science_day, wujin_user, "summary", upload=SimpleUploadedFile("总结.docx", bomb_docx(document))
        )
    from django.core.exceptions import ValidationError

    from programs.services.attachments import sniff_attachment

    with pytest.raises(ValidationError, match=message):
        sniff_attachment(SimpleUploadedFile("附件.docx", bomb_docx(document)))


def test_a_zip_bomb_workbook_is_refused_by_the_events_import_at_once(client_for, wujin_user, science_day):
    started = time.perf_counter()
    page = client_for(wujin_user).post(
        reverse("events:import"),
        {"campaign": science_day.pk, "file": SimpleUploadedFile("活动安排表.xlsx", zip_bomb_xlsx())},
    )
    assert page.status_code == 200 and "压缩" in page.content.decode()
    assert time.perf_counter() - started < 5


def test_replacing_a_summary_deletes_the_old_file_once_saved(
    make_return, wujin, science_day, wujin_user, django_capture_on_commit_callbacks
):
    from common.storage import private_storage
    from events.forms import ActivityReportForm

    activity = make_return(wujin, campaign=science_day, status="approved", report_status="draft")

    def save(name):
        form = ActivityReportForm(
            {
                "actual_participants": 1,
                "online_views": 0,
                "volunteers": 0,
                "experts": 0,
                "budget": "0",
                "report_version": activity.report_version,
            },
            {"summary_file": SimpleUploadedFile(name, docx_bytes())},
            instance=activity,
            user=wujin_user,
        )
        assert form.is_valid(), form.errors
        with django_capture_on_commit_callbacks(execute=True):
            services.save_return(
                form.save(commit=False), wujin_user, expected_report_version=form.cleaned_data["report_version"]
            )
        return activity.summary_file.name

    first = save("a.docx")
    assert private_storage().exists(first) and first.endswith(".docx")
    second = save("b.docx")
    assert second != first and private_storage().exists(second)
    assert not private_storage().exists(first)  # never an orphan on disk


def test_a_real_png_still_goes_through(draft, wujin_user):
    photo = services.add_photos(draft, wujin_user, [SimpleUploadedFile("现场.png", png_bytes(4, 3))])[0]
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")


def test_filing_the_schedule_again_with_a_new_file_deletes_the_old_one_once_saved(
    science_day, wujin_user, django_capture_on_commit_callbacks
):
    from common.storage import private_storage

    with django_capture_on_commit_callbacks(execute=True):
        filing = services.file_campaign(
            science_day, wujin_user, "schedule", upload=SimpleUploadedFile("安排表.docx", docx_bytes())
        )
    first = filing.file.name
    assert private_storage().exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        filing = services.file_campaign(
            science_day, wujin_user, "schedule", upload=SimpleUploadedFile("安排表2.docx", docx_bytes())
        )
    assert filing.file.name != first and private_storage().exists(filing.file.name)
    assert not private_storage().exists(first)  # the replaced filing leaves no orphan
