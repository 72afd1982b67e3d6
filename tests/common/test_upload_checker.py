"""Issue 12, point 8: one upload checker (common/uploads.py) for every upload. A decompression bomb (a 20000×20000
PNG of a few KB) is refused with a Chinese message on a photo upload and by any image field; Pillow's own ceiling is
the portal's pixel limit; a client's file name such as ../../etc/passwd.png never reaches a path."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common import uploads
from tests.events.conftest import JPEG_BYTES, png_bytes

pytestmark = pytest.mark.django_db


def bomb_png(width=20000, height=20000) -> bytes:
    """A PNG whose header announces 20000×20000 pixels (1.2 GB decoded) in a few KB."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 30000, 9))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def private_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def draft(make_return, wujin, science_day):
    return make_return(wujin, campaign=science_day, title="武进的草稿")


def test_the_bomb_is_a_few_kilobytes():
    assert len(bomb_png()) < 10_000


def test_a_decompression_bomb_is_refused_on_the_photo_upload_page(client_for, wujin_user, draft, settings):
    response = client_for(wujin_user).post(
        reverse("events:photo-upload", args=[draft.pk]),
        {"photo": SimpleUploadedFile("现场.png", bomb_png())},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "尺寸过大" in body and "现场.png" in body
    assert draft.photos.count() == 0
    assert not [p for p in Path(settings.KEPU_PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def test_any_image_field_refuses_the_bomb_with_a_chinese_message():
    class PictureForm(forms.Form):
        picture = uploads.CheckedFileField(validators=[uploads.UploadValidator(kinds=("png", "jpeg"))])

    form = PictureForm(files={"picture": SimpleUploadedFile("基地照片.png", bomb_png())})
    assert not form.is_valid()
    assert "尺寸过大" in form.errors["picture"][0] and "基地照片.png" in form.errors["picture"][0]
    with pytest.raises(uploads.UploadRejected, match="尺寸过大"):
        uploads.check_photo(SimpleUploadedFile("x.png", bomb_png()))


@pytest.fixture
def pillow_ceiling_restored():
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    yield
    Image.MAX_IMAGE_PIXELS = saved  # the process-wide ceiling is not left at this test's small limit


def test_pillow_itself_is_capped_at_the_portal_limit(settings, pillow_ceiling_restored):
    from PIL import Image

    settings.KEPU_MAX_IMAGE_PIXELS = 1_000_000
    uploads.validate_upload(SimpleUploadedFile("小图.png", png_bytes(10, 10)), kinds=("png",))
    assert Image.MAX_IMAGE_PIXELS == 1_000_000
    with pytest.raises(ValidationError, match="尺寸过大"):
        uploads.validate_upload(SimpleUploadedFile("中图.png", png_bytes(1100, 1000)), kinds=("png",))


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\..\\windows\\win.ini.png", "/etc/passwd.png"])
def test_a_hostile_photo_name_never_reaches_a_path(draft, wujin_user, settings, name):
    from events import services

    photo = services.add_photos(draft, wujin_user, [SimpleUploadedFile(name, png_bytes(4, 4))])[0]
    assert re.fullmatch(r"events/photos/[0-9a-f]{32}\.png", photo.file.name), photo.file.name
    root = Path(settings.KEPU_PRIVATE_MEDIA_ROOT).resolve()
    assert Path(photo.file.path).resolve().is_relative_to(root)
    assert not any(part in photo.file.name for part in ("passwd", "etc", "..", "win.ini"))


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "a/../../b.pdf", "x.php", ".htaccess", ""])
def test_generated_paths_keep_only_an_allowed_extension(name):
    path = uploads.generated_path("reports", name)
    assert re.fullmatch(r"reports/[0-9a-f]{32}\.(png|pdf|bin)", path), path


def test_a_report_attachment_path_is_generated_too():
    from programs.models.reports import attachment_path

    assert re.fullmatch(r"reports/[0-9a-f]{32}\.pdf", attachment_path(None, "../../etc/passwd.pdf"))


def test_the_events_adapter_is_folded_into_the_one_checker():
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("events.uploads")
    assert uploads.check_photo(SimpleUploadedFile("a.jpg", JPEG_BYTES)) == "jpeg"
