"""Checks on uploaded files by their real content (magic bytes and structure), not by their name.

Generic (no events import): a candidate for common/uploads.py — see /work/notes/events.md.
Each check raises UploadRejected with a Chinese message the page or API shows as is.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.conf import settings

MB = 1024 * 1024
MAX_PHOTOS = 5


def photo_limit() -> int:
    return getattr(settings, "KEPU_MAX_PHOTO_BYTES", 5 * MB)


def document_limit() -> int:
    return getattr(settings, "KEPU_MAX_DOCUMENT_BYTES", 10 * MB)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class UploadRejected(ValueError):
    """The upload is refused; str(exc) is the Chinese message for the user."""


def _read_all(upload, limit: int, label: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRejected(f"{label}“{_name(upload)}”太大({_mb(size)}),不能超过 {_mb(limit)}。")
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise UploadRejected(f"{label}“{_name(upload)}”太大,不能超过 {_mb(limit)}。")
    if not data:
        raise UploadRejected(f"{label}“{_name(upload)}”是空文件。")
    return data


def _name(upload) -> str:
    return getattr(upload, "name", "") or ""


def _mb(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < MB:
        return f"{n / 1024:.0f} KB"
    return f"{n / MB:.1f} MB"


def sniff(data: bytes) -> str:
    """The real type of the content: jpeg, png, pdf, zip, ole (old Office), exe, or unknown."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == PNG_SIGNATURE:
        return "png"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF":
        return "exe"
    return "unknown"


def _png_is_whole(data: bytes) -> bool:
    """Walk the PNG chunks, checking each CRC, up to IEND."""
    pos = 8
    seen_ihdr = False
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body_end = pos + 8 + length
        if body_end + 4 > len(data):
            return False
        (crc,) = struct.unpack(">I", data[body_end:body_end + 4])
        if zlib.crc32(data[pos + 4:body_end]) & 0xFFFFFFFF != crc:
            return False
        if pos == 8:
            if ctype != b"IHDR":
                return False
            seen_ihdr = True
        if ctype == b"IEND":
            return seen_ihdr
        pos = body_end + 4
    return False


def _jpeg_is_whole(data: bytes) -> bool:
    """Walk the JPEG segments up to the scan and require the end-of-image marker."""
    pos = 2
    found_frame = False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            return False
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            found_frame = True
        if marker == 0xDA:  # start of scan: the entropy-coded data runs to the end marker
            return found_frame and data.rstrip(b"\x00").endswith(b"\xff\xd9")
        pos += 2 + length
    return False


def check_image(upload) -> str:
    """A jpeg or png photo, whole and within the size cap. Returns its content type."""
    data = _read_all(upload, photo_limit(), "照片")
    kind = sniff(data)
    if kind not in ("jpeg", "png"):
        raise UploadRejected(f"照片“{_name(upload)}”不是 JPG 或 PNG 图片(实际内容:{_KIND_LABEL.get(kind, '未知')}),已拒绝。")
    whole = _jpeg_is_whole(data) if kind == "jpeg" else _png_is_whole(data)
    if not whole:
        raise UploadRejected(f"照片“{_name(upload)}”已损坏或不完整,无法读取,请重新导出后上传。")
    return "image/jpeg" if kind == "jpeg" else "image/png"


def check_document(upload) -> str:
    """A pdf or docx within the size cap. Returns its content type."""
    data = _read_all(upload, document_limit(), "文件")
    kind = sniff(data)
    if kind == "pdf":
        return "application/pdf"
    if kind == "zip" and _zip_has(data, "word/document.xml"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    raise UploadRejected(f"文件“{_name(upload)}”不是 PDF 或 Word(docx)文档(实际内容:{_KIND_LABEL.get(kind, '未知')}),已拒绝。")


def check_xlsx(upload, max_bytes: int) -> bytes:
    """An xlsx workbook within the size cap. Returns its bytes."""
    data = _read_all(upload, max_bytes, "文件")
    kind = sniff(data)
    if kind == "ole":
        raise UploadRejected("这是旧版 Excel(.xls)文件,请在 Excel 中“另存为”.xlsx 格式后再上传。")
    if kind != "zip" or not _zip_has(data, "xl/workbook.xml"):
        raise UploadRejected(f"文件“{_name(upload)}”不是有效的 Excel(.xlsx)文件(实际内容:{_KIND_LABEL.get(kind, '未知')})。")
    return data


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


_KIND_LABEL = {
    "jpeg": "JPG 图片", "png": "PNG 图片", "pdf": "PDF", "zip": "压缩包/Office 文档", "ole": "旧版 Office 文档",
    "exe": "可执行程序", "unknown": "未知格式",
}
