"""Attachments to a unit report's task entries: the allowed types and size, checking an upload's
bytes against its extension, storing an upload on an entry, and removing one."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from common import uploads

from ..models import UnitReport, UnitReportAttachment, UnitReportEntry

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "jpeg", "png")
_KIND_OF = {uploads.content_type(k): k for k in ATTACHMENT_KINDS}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "KEPU_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def sniff_attachment(upload) -> str:
    """The content type of an upload judged by its bytes (common.uploads: type, size, zip and XML bombs, image
    pixels); ValidationError naming the file when it is not an allowed type or its content does not match."""
    kind = uploads.validate_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=max_attachment_bytes(), label="附件")
    return uploads.content_type(kind)


def add_attachment(report: UnitReport, task_id: int, upload, user) -> UnitReportAttachment:
    """Store an upload (already checked with sniff_attachment) on the report's entry for the task;
    the caller holds the report's lock and has checked that it may be edited (save_report)."""
    entry, _created = UnitReportEntry.objects.get_or_create(report=report, task_id=task_id)
    attachment = UnitReportAttachment(
        entry=entry,
        original_name=(upload.name or "附件")[-200:],
        content_type=sniff_attachment(upload),
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(uploads.stored_name(_KIND_OF[attachment.content_type]), upload, save=False)
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
