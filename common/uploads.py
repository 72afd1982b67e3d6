"""Upload validation shared by every app that accepts files.

Use it wherever a file comes in (forms, the API, imports):

    from common.uploads import UploadValidator, open_workbook_safely, validate_upload

    photo = models.FileField(validators=[UploadValidator(kinds=("jpeg", "png"), max_bytes=5 * MB)])
    kind = validate_upload(request.FILES["file"], kinds=("pdf", "docx"))        # in a form's clean_…
    workbook = open_workbook_safely(request.FILES["file"])                      # before any xlsx import

What is checked:
- the size (before anything is read into memory);
- the real content type from the file's first bytes ("magic"), not the name or the browser's
  Content-Type; the extension must agree with the content (a .pdf that is a PNG is refused);
- for docx/xlsx (zip containers): the zip's total uncompressed size and compression ratio are
  checked *before* anything is decompressed (zip bombs), and every XML part is parsed with
  defusedxml, which refuses DTDs and entity declarations (billion-laughs / external entities);
- for images: the pixel count is read from the header and refused above KEPU_MAX_IMAGE_PIXELS before
  anything is decoded (a 30000×30000 PNG of 109 KB), then Pillow decodes the whole image (truncated or
  corrupt files are refused);
- openpyxl only sees a workbook that passed all of the above.

Stored names are the portal's: `stored_name(kind)` gives a random name with the extension of the *real*
content (never the client's: `x.jpg.php`, `.htaccess` and `.html` cannot reach the disk). Every refusal is a
django ValidationError with a Chinese message naming the file and what is wrong (`label` prefixes it: 照片、附件…).
Every app's uploads go through `validate_upload` (photos, summaries, filings: `check_photo` / `check_document`
here, raising `UploadRejected`; programs' attachments; every xlsx/csv import); a form field for such an upload is a
`CheckedFileField`, so an empty file reaches the checker too. Stored paths come from `generated_path` (a random
name, the extension of an allowed kind or .bin) — a client's file name such as ../../etc/passwd.png never reaches a
path. Pillow's own ceiling (Image.MAX_IMAGE_PIXELS) is set to KEPU_MAX_IMAGE_PIXELS before any image is opened.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

KB = 1024
MB = 1024 * KB

# Defaults; callers pass their own where a form needs tighter limits.
DEFAULT_MAX_BYTES = {"jpeg": 10 * MB, "png": 10 * MB, "pdf": 20 * MB, "docx": 20 * MB, "xlsx": 5 * MB, "csv": 5 * MB}
MAX_UNCOMPRESSED_BYTES = 100 * MB  # total of all members of a docx/xlsx
MAX_COMPRESSION_RATIO = 100  # uncompressed / compressed, whole archive and per member
MAX_ZIP_MEMBERS = 2_000

LABELS = {
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "pdf": "PDF 文档",
    "docx": "Word 文档(.docx)",
    "xlsx": "Excel 工作簿(.xlsx)",
    "csv": "CSV 或文本表格(.csv/.txt)",
}
EXTENSIONS = {
    "jpeg": {".jpg", ".jpeg"},
    "png": {".png"},
    "pdf": {".pdf"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "csv": {".csv", ".txt"},
}
STORED_EXTENSION = {"jpeg": "jpg", "png": "png", "pdf": "pdf", "docx": "docx", "xlsx": "xlsx"}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACTUAL = {
    "jpeg": "JPG 图片",
    "png": "PNG 图片",
    "pdf": "PDF",
    "docx": "Word 文档",
    "xlsx": "Excel 工作簿",
    "zip": "压缩包",
    "ole": "旧版 Office 文档(.doc/.xls)",
    "exe": "可执行程序",
    None: "未知格式",
}
ZIP_MAGIC = (b"PK\x03\x04",)


@dataclass(frozen=True)
class Limits:
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
    max_ratio: float = MAX_COMPRESSION_RATIO
    max_members: int = MAX_ZIP_MEMBERS


# The limits every check uses unless a caller passes its own (one frozen instance, shared as a default).
DEFAULT_LIMITS = Limits()


def _name(upload) -> str:
    return os.path.basename(getattr(upload, "name", "") or "") or "上传的文件"


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is not None:
        return int(size)
    pos = upload.tell()
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(pos)
    return size


def _read_head(upload, n: int = 8 * KB) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _human(n: int) -> str:
    if n < KB:
        return f"{n} 字节"
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / KB:.0f} KB"


def stored_name(kind: str) -> str:
    """A name for the disk chosen by the portal: random, with the extension of the real content."""
    import uuid

    return f"{uuid.uuid4().hex}.{STORED_EXTENSION[kind]}"


def content_type(kind: str) -> str:
    return CONTENT_TYPES[kind]


def _actual(head: bytes) -> str | None:
    """A label for what a refused file really is."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head[:2] == b"MZ" or head[:4] == b"\x7fELF":
        return "exe"
    return None


def pixel_limit() -> int:
    """KEPU_MAX_IMAGE_PIXELS, also made Pillow's own ceiling (Image.MAX_IMAGE_PIXELS: twice it raises
    DecompressionBombError in any Image.open of the process, not only here)."""
    from django.conf import settings
    from PIL import Image

    limit = getattr(settings, "KEPU_MAX_IMAGE_PIXELS", 50_000_000)
    Image.MAX_IMAGE_PIXELS = limit
    return limit


def check_image(data: bytes, name: str, kind: str, label: str = "") -> None:
    """Refuse an image whose header announces more than KEPU_MAX_IMAGE_PIXELS pixels (before decoding it), and
    one Pillow cannot decode whole (truncated, corrupt, not really a JPEG/PNG)."""
    from PIL import Image, UnidentifiedImageError

    limit = pixel_limit()
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            width, height = probe.size
            if width * height > limit:
                raise ValidationError(
                    f"{label}“{name}”尺寸过大({width}×{height} 像素),不能超过 {limit // 1_000_000} 百万像素,已拒绝。"
                )
            if probe.format != {"jpeg": "JPEG", "png": "PNG"}[kind]:
                raise ValidationError(f"{label}“{name}”已损坏或不完整,无法读取,请重新导出后上传。")
            probe.load()  # decodes everything: a truncated file fails here
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own ceiling (2× ours): the same refusal
        raise ValidationError(f"{label}“{name}”尺寸过大,不能超过 {limit // 1_000_000} 百万像素,已拒绝。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"{label}“{name}”已损坏或不完整,无法读取,请重新导出后上传。") from exc


def sniff_kind(head: bytes, data_for_zip: bytes | None = None) -> str | None:
    """The real type of a file from its first bytes: jpeg, png, pdf, docx, xlsx, zip or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        if data_for_zip is None:
            return "zip"
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data_for_zip)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    return None


def looks_like_text(head: bytes) -> bool:
    """A csv or tab-separated text as Excel saves one: no NUL byte, unless it is UTF-16 (with its byte-order
    mark, as Excel's 「Unicode 文本」 is); anything else with NULs is a binary file named .csv."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" not in head and _actual(head) is None


def check_zip_container(data: bytes, name: str = "上传的文件", limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Refuse zip bombs and XML bombs in an Office (OOXML) file; return the opened ZipFile.

    Only the central directory is read for the size checks — nothing is decompressed until the
    declared sizes pass; the XML parts are then parsed with defusedxml (DTDs forbidden) with a
    running cap on the bytes actually inflated, so a lying header cannot get past either.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(f"“{name}”不是有效的 Office 文件(压缩结构损坏)。") from exc
    if len(members) > limits.max_members:
        raise ValidationError(f"“{name}”包含的部件过多({len(members)} 个),已拒绝。")
    total = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    if total > limits.max_uncompressed:
        raise ValidationError(
            f"“{name}”解压后过大({_human(total)},上限 {_human(limits.max_uncompressed)}),疑似压缩炸弹,已拒绝。"
        )
    if total / compressed > limits.max_ratio:
        raise ValidationError(f"“{name}”压缩比异常(约 {total // compressed}:1),疑似压缩炸弹,已拒绝。")
    for member in members:
        if member.file_size > 1 * MB and member.file_size / (member.compress_size or 1) > limits.max_ratio:
            raise ValidationError(f"“{name}”中的部件 {member.filename} 压缩比异常,疑似压缩炸弹,已拒绝。")
        if member.filename.startswith("/") or ".." in member.filename.split("/"):
            raise ValidationError(f"“{name}”中有非法路径 {member.filename},已拒绝。")
    inflated = 0
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(member) as raw:
            capped = _CappedReader(raw, limits.max_uncompressed - inflated, name)
            try:
                for _event, _elem in iterparse(capped, forbid_dtd=True, forbid_entities=True, forbid_external=True):
                    _elem.clear()
            except DefusedXmlException as exc:
                raise ValidationError(
                    f"“{name}”的部件 {member.filename} 含有 DTD/实体声明(XML 炸弹或外部实体),已拒绝。"
                ) from exc
            except ValidationError:
                raise
            except Exception as exc:  # ParseError and friends
                raise ValidationError(f"“{name}”的部件 {member.filename} 不是有效的 XML,已拒绝。") from exc
            inflated += capped.count
    return archive


class _CappedReader(io.RawIOBase):
    """A reader that refuses to inflate more than `cap` bytes (headers may lie about sizes)."""

    def __init__(self, raw, cap: int, name: str):
        self.raw, self.cap, self.name, self.count = raw, cap, name, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(64 * KB if n is None or n < 0 else min(n, 64 * KB))
        self.count += len(chunk)
        if self.count > self.cap:
            raise ValidationError(f"“{self.name}”解压后超过上限,疑似压缩炸弹,已拒绝。")
        return chunk


def validate_upload(
    upload,
    kinds=("jpeg", "png", "pdf", "docx", "xlsx"),
    max_bytes: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    label: str = "",
) -> str:
    """Check an uploaded file; return its real kind ("pdf", …) or raise ValidationError (Chinese, naming the file;
    `label` such as 照片 or 附件 goes before the name)."""
    name = _name(upload)
    kinds = tuple(kinds)
    allowed = "、".join(LABELS[k] for k in kinds)
    size = _size(upload)
    cap = max_bytes if max_bytes is not None else max(DEFAULT_MAX_BYTES[k] for k in kinds)
    if size == 0:
        raise ValidationError(f"{label}“{name}”是空文件,请选择有内容的文件。")
    if size > cap:
        raise ValidationError(f"{label}“{name}”太大({_human(size)}),不能超过 {_human(cap)}。")
    head = _read_head(upload)
    kind = sniff_kind(head)
    if kind is None and "csv" in kinds and looks_like_text(head):
        kind = "csv"
    data = None
    if kind == "zip":
        data = _read_all(upload)
        kind = sniff_kind(head, data)
    if kind not in kinds:
        if kind is None and _actual(head) == "ole" and "xlsx" in kinds:
            raise ValidationError("这是旧版 Excel(.xls)文件,请在 Excel 中“另存为”.xlsx 格式后再上传。")
        actual = ACTUAL.get(kind if kind is not None else _actual(head), "未知格式")
        if kinds == ("csv",):
            what = f"实际内容:{actual}" if actual != "未知格式" else "含有二进制内容"
            raise ValidationError(
                f"{label}“{name}”不是文本格式的 CSV({what}),可能是其他格式改了扩展名。"
                "请在 Excel 中另存为“CSV UTF-8(逗号分隔)”或“Unicode 文本”后再上传。"
            )
        raise ValidationError(f"{label}“{name}”的文件类型不被接受:只接受 {allowed}(实际内容:{actual}),已拒绝。")
    assert kind is not None  # one of `kinds`
    ext = os.path.splitext(name)[1].lower()
    if ext and ext not in EXTENSIONS[kind]:
        raise ValidationError(f"{label}“{name}”的扩展名与内容不符(内容是 {LABELS[kind]})。")
    if kind in ("docx", "xlsx"):
        check_zip_container(data if data is not None else _read_all(upload), name, limits)
    if kind in ("jpeg", "png"):
        check_image(_read_all(upload), name, kind, label)
    upload.seek(0)
    return kind


@deconstructible
class UploadValidator:
    """A model/form field validator: `FileField(validators=[UploadValidator(kinds=("pdf",))])`."""

    def __init__(self, kinds=("jpeg", "png", "pdf", "docx", "xlsx"), max_bytes: int | None = None):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload) -> None:
        validate_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)


class CheckedFileField(forms.FileField):
    """A form's file field for an upload that goes on to `validate_upload` (in the form's clean_… or the service).

    Django's FileField refuses a 0-byte file itself, with a message that names no file ("提交的是空文件"), and a
    page that answers a broken form with a generic message then said only "请求不完整". Here an empty file is let
    through, so the checker refuses it naming the file and the kind ("文件“x.docx”是空文件…")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)


def open_workbook_safely(
    upload,
    max_bytes: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    read_only: bool = True,
    data_only: bool = True,
):
    """Validate an uploaded .xlsx (size, type, zip bomb, XML bomb) and only then open it with openpyxl."""
    import openpyxl
    from django.conf import settings

    cap = max_bytes if max_bytes is not None else getattr(settings, "KEPU_MAX_IMPORT_BYTES", DEFAULT_MAX_BYTES["xlsx"])
    validate_upload(upload, kinds=("xlsx",), max_bytes=cap, limits=limits)
    data = _read_all(upload)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=data_only)
    except Exception as exc:
        raise ValidationError(f"“{_name(upload)}”无法作为 Excel 工作簿打开:{exc.__class__.__name__}。") from exc


# --- the checks each app calls (they were events/uploads.py) ---------------------------------------------------
class UploadRejected(ValueError):
    """The upload is refused; str(exc) is the Chinese message for the user."""


def photo_limit() -> int:
    from django.conf import settings

    return getattr(settings, "KEPU_MAX_PHOTO_BYTES", 5 * MB)


def document_limit() -> int:
    from django.conf import settings

    return getattr(settings, "KEPU_MAX_DOCUMENT_BYTES", 10 * MB)


def max_photos() -> int:
    from django.conf import settings

    return getattr(settings, "KEPU_MAX_PHOTOS", 5)


def check(upload, kinds, max_bytes: int, label: str) -> str:
    """validate_upload raising UploadRejected (one Chinese sentence) instead of a ValidationError."""
    try:
        return validate_upload(upload, kinds=kinds, max_bytes=max_bytes, label=label)
    except ValidationError as exc:
        raise UploadRejected(" ".join(exc.messages)) from None


def check_photo(upload) -> str:
    """A jpeg or png photo, whole, within the size and pixel caps. Returns the real kind (jpeg, png)."""
    return check(upload, ("jpeg", "png"), photo_limit(), "照片")


def check_document(upload) -> str:
    """A pdf or docx within the size cap (docx: no zip or XML bomb). Returns the real kind (pdf, docx)."""
    return check(upload, ("pdf", "docx"), document_limit(), "文件")


def check_xlsx(upload, max_bytes: int) -> bytes:
    """An xlsx workbook within the size cap, no zip or XML bomb. Returns its bytes."""
    check(upload, ("xlsx",), max_bytes, "文件")
    data = _read_all(upload)
    upload.seek(0)
    return data


GENERATED_EXTENSIONS = frozenset(STORED_EXTENSION.values())


def generated_path(folder: str, filename: str) -> str:
    """The path a stored upload gets: `folder`/random hex, with the client's extension only when it is one the
    checker gives (jpg, png, pdf, docx, xlsx; else .bin). Nothing else of the client's name is used."""
    import uuid

    base = os.path.basename(str(filename or "").replace("\\", "/"))
    ext = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    return f"{folder}/{uuid.uuid4().hex}.{ext if ext in GENERATED_EXTENSIONS else 'bin'}"
