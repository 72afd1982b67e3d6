"""Every file the portal hands out goes through here: spreadsheets and documents built in memory, and files kept
in (private) storage. One place decides the headers: the download name (RFC 6266, UTF-8 for Chinese names, via
Django's content_disposition_header), `nosniff` so a browser never guesses a type, and `private` caching so a
shared proxy keeps no copy of a region's data."""

from __future__ import annotations

import os
from typing import TypeVar

from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
_Response = TypeVar("_Response", bound=HttpResponseBase)


def _harden(response: _Response) -> _Response:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


def content_download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A file made in memory (an export, a template, a brief) offered under `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    return _harden(response)


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    return content_download(content, filename, XLSX)


def stored_file_download(
    field_file, filename: str | None = None, content_type: str | None = None, *, inline: bool = False
) -> FileResponse:
    """A file kept in storage (an upload): 404 when the record has none or the file is gone from disk. Without a
    known `content_type` it is always an attachment (never rendered by the browser)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not (inline and content_type),
        filename=filename or os.path.basename(field_file.name),
    )
    return _harden(response)
