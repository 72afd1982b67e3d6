"""common/downloads.py: one way to hand out a file — the download name in UTF-8 (a Chinese name survives), an
attachment unless asked inline with a known type, nosniff and private caching, and 404 for a file gone from disk."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404

from common import downloads


def test_a_spreadsheet_made_in_memory_keeps_its_chinese_name():
    response = downloads.xlsx_download(b"PK\x03\x04", "武进区-活动汇总表.xlsx")
    assert response["Content-Type"] == downloads.XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and quote("武进区-活动汇总表.xlsx") in disposition
    assert response["X-Content-Type-Options"] == "nosniff" and "private" in response["Cache-Control"]


def test_a_name_with_quotes_or_line_breaks_cannot_split_the_header():
    response = downloads.content_download(b"x", '报表"\r\nSet-Cookie: a=b.xlsx', downloads.XLSX)
    assert "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]


def test_a_stored_file_is_an_attachment_unless_shown_inline_with_a_known_type(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    field_file = storage.open(name)
    field_file.name = name
    field_file.open = lambda mode="rb": storage.open(name, mode)  # a FieldFile-like handle
    served = downloads.stored_file_download(field_file, "活动照片.png", "image/png", inline=True)
    assert served["Content-Disposition"].startswith("inline") and served["Content-Type"] == "image/png"
    attached = downloads.stored_file_download(field_file, "活动照片.png")
    assert attached["Content-Disposition"].startswith("attachment")
    assert attached["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_is_a_404_not_a_500(tmp_path):
    class Gone:
        name = "gone.pdf"

        def __bool__(self):
            return True

        def open(self, mode="rb"):
            raise FileNotFoundError(self.name)

    with pytest.raises(Http404):
        downloads.stored_file_download(Gone())
    with pytest.raises(Http404):
        downloads.stored_file_download(None)
