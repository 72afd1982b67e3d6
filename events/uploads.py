"""Events' uploads (photos, summaries, filings, the 活动安排表) through the one checker, common/uploads.py.

Each check raises UploadRejected with the checker's Chinese message, which the page or API shows as is.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from common import uploads

MB = 1024 * 1024
MAX_PHOTOS = 5


def photo_limit() -> int:
    return getattr(settings, "KEPU_MAX_PHOTO_BYTES", 5 * MB)


def document_limit() -> int:
    return getattr(settings, "KEPU_MAX_DOCUMENT_BYTES", 10 * MB)


class UploadRejected(ValueError):
    """The upload is refused; str(exc) is the Chinese message for the user."""


def _check(upload, kinds, max_bytes, label) -> str:
    try:
        return uploads.validate_upload(upload, kinds=kinds, max_bytes=max_bytes, label=label)
    except ValidationError as exc:
        raise UploadRejected(" ".join(exc.messages)) from None


def check_image(upload) -> str:
    """A jpeg or png photo, whole, within the size and pixel caps. Returns the real kind (jpeg, png)."""
    return _check(upload, ("jpeg", "png"), photo_limit(), "照片")


def check_document(upload) -> str:
    """A pdf or docx within the size cap (docx: no zip or XML bomb). Returns the real kind (pdf, docx)."""
    return _check(upload, ("pdf", "docx"), document_limit(), "文件")


def check_xlsx(upload, max_bytes: int) -> bytes:
    """An xlsx workbook within the size cap, no zip or XML bomb. Returns its bytes."""
    _check(upload, ("xlsx",), max_bytes, "文件")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data
