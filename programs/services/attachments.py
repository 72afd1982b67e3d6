"""Attachments to a unit report's task entries: the allowed types and size, checking an upload's
bytes against its extension, storing an upload on an entry, and removing one."""
from __future__ import annotations

import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import UnitReport, UnitReportAttachment, UnitReportEntry

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "KEPU_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def sniff_attachment(upload) -> str:
    """The content type of an upload judged by its bytes; ValidationError when it is not an
    allowed type or its content does not match its extension."""
    name = upload.name or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(f"附件“{name}”的类型不允许,只接受 PDF、Word(docx)、Excel(xlsx)、JPEG、PNG 文件。")
    if upload.size > max_attachment_bytes():
        raise ValidationError(
            f"附件“{name}”过大({upload.size / 1048576:.1f} MB),"
            f"单个附件不能超过 {max_attachment_bytes() // 1048576} MB。"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    ok = False
    if ext == ".pdf":
        ok = head.startswith(b"%PDF-")
    elif ext == ".png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif ext in (".jpg", ".jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    elif ext in (".docx", ".xlsx"):
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(upload) as zf:
                    names = zf.namelist()
                ok = "[Content_Types].xml" in names and any(
                    n.startswith("word/" if ext == ".docx" else "xl/") for n in names
                )
            except zipfile.BadZipFile:
                ok = False
            upload.seek(0)
    if not ok:
        raise ValidationError(f"附件“{name}”的内容与扩展名不符或文件已损坏,请上传真实的 {ext[1:].upper()} 文件。")
    return ATTACHMENT_TYPES[ext]


def add_attachment(report: UnitReport, task_id: int, upload, user) -> UnitReportAttachment:
    """Store an upload (already checked with sniff_attachment) on the report's entry for the task;
    the caller holds the report's lock and has checked that it may be edited (save_report)."""
    entry, _created = UnitReportEntry.objects.get_or_create(report=report, task_id=task_id)
    attachment = UnitReportAttachment(
        entry=entry, original_name=(upload.name or "附件")[-200:], content_type=sniff_attachment(upload),
        size=upload.size, uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment._history_user = user
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(attachment: UnitReportAttachment, user) -> None:
    # reports imports this module (save_report checks and stores uploads), so the check that the
    # report may still be edited is imported here, at call time.
    from .reports import ensure_editable

    ensure_editable(attachment.entry.report, user)
    attachment._history_user = user
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
