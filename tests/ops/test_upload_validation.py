"""common.uploads: real content type, size caps, zip bombs and XML bombs refused before openpyxl."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import MB, Limits, UploadValidator, open_workbook_safely, validate_upload


def _image(fmt: str, size=(4, 3)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


JPEG = _image("JPEG")  # real images: the checker decodes them whole (Pillow)
PNG = _image("PNG")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def upload(name, data):
    return SimpleUploadedFile(name, data)


def xlsx_bytes(rows=(("地区", "人次"), ("武进区", 1200))):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="x"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="w"><w:body/></w:document>')
    return buf.getvalue()


def rewrite_xlsx(
    data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None, compression=zipfile.ZIP_DEFLATED
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for info in src.infolist():
            z.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in (add or {}).items():
            z.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("photo.jpg", JPEG, "jpeg"),
        ("photo.JPEG", JPEG, "jpeg"),
        ("shot.png", PNG, "png"),
        ("summary.pdf", PDF, "pdf"),
        ("report.docx", docx_bytes(), "docx"),
        ("returns.xlsx", xlsx_bytes(), "xlsx"),
    ],
)
def test_real_files_of_each_accepted_type_pass_and_report_their_kind(name, data, kind):
    assert validate_upload(upload(name, data)) == kind


def test_a_file_is_judged_by_its_content_not_its_name():
    with pytest.raises(ValidationError, match="只接受 PDF 文档"):
        validate_upload(upload("summary.pdf", b"<html><script>alert(1)</script></html>"), kinds=("pdf",))


def test_an_extension_that_contradicts_the_content_is_refused():
    with pytest.raises(ValidationError, match="扩展名与内容不符"):
        validate_upload(upload("summary.pdf", PNG), kinds=("pdf", "png"))


def test_a_type_the_field_does_not_accept_is_refused_with_the_accepted_types_named():
    with pytest.raises(ValidationError, match="只接受 JPEG 图片、PNG 图片"):
        validate_upload(upload("returns.xlsx", xlsx_bytes()), kinds=("jpeg", "png"))


def test_oversize_and_empty_files_are_refused_before_being_read():
    with pytest.raises(ValidationError, match="太大"):
        validate_upload(upload("big.pdf", PDF + b"0" * (2 * MB)), kinds=("pdf",), max_bytes=1 * MB)
    with pytest.raises(ValidationError, match="空文件"):
        validate_upload(upload("empty.pdf", b""), kinds=("pdf",))


def test_a_plain_zip_is_not_an_office_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("evil.exe", b"MZ")
    with pytest.raises(ValidationError, match="文件类型不被接受"):
        validate_upload(upload("returns.xlsx", buf.getvalue()), kinds=("xlsx",))


def test_a_zip_bomb_disguised_as_xlsx_is_refused_without_inflating_it():
    bomb = rewrite_xlsx(xlsx_bytes(), {}, add={"xl/media/padding.bin": b"\0" * (120 * MB)})
    assert len(bomb) < 1 * MB  # 120 MB of zeros compress to a few hundred KB
    with pytest.raises(ValidationError, match="压缩炸弹"):
        open_workbook_safely(upload("returns.xlsx", bomb))


def test_a_highly_compressed_sheet_is_refused_by_its_compression_ratio():
    bomb = rewrite_xlsx(xlsx_bytes(), {}, add={"xl/media/pad.bin": b"A" * (20 * MB)})
    with pytest.raises(ValidationError, match="压缩比异常"):
        validate_upload(upload("returns.xlsx", bomb), kinds=("xlsx",))


def test_an_xml_entity_bomb_inside_an_xlsx_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    bomb = rewrite_xlsx(xlsx_bytes(), {"xl/worksheets/sheet1.xml": laughs})
    with pytest.raises(ValidationError, match="XML 炸弹"):
        open_workbook_safely(upload("returns.xlsx", bomb))


def test_an_external_entity_inside_an_xlsx_is_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&e;</workbook>'
    )
    with pytest.raises(ValidationError, match="外部实体"):
        open_workbook_safely(upload("returns.xlsx", rewrite_xlsx(xlsx_bytes(), {"xl/workbook.xml": xxe})))


def test_a_workbook_over_a_tighter_uncompressed_limit_is_refused():
    data = rewrite_xlsx(xlsx_bytes(), {"xl/worksheets/sheet1.xml": b"<x>" + b" " * (3 * MB) + b"</x>"})
    with pytest.raises(ValidationError, match="解压后过大"):
        validate_upload(
            upload("returns.xlsx", data), kinds=("xlsx",), limits=Limits(max_uncompressed=1 * MB, max_ratio=10_000)
        )


def test_a_corrupt_office_file_gets_a_clear_message():
    broken = xlsx_bytes()[:2000]
    with pytest.raises(ValidationError):
        open_workbook_safely(upload("returns.xlsx", broken))


def test_a_clean_workbook_opens_and_its_cells_are_read():
    wb = open_workbook_safely(upload("returns.xlsx", xlsx_bytes()))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows == [("地区", "人次"), ("武进区", 1200)]


def test_the_import_size_cap_comes_from_settings(settings):
    settings.KEPU_MAX_IMPORT_BYTES = 1000
    with pytest.raises(ValidationError, match="太大"):
        open_workbook_safely(upload("returns.xlsx", xlsx_bytes()))


def test_the_field_validator_runs_the_same_checks_and_survives_migrations():
    validator = UploadValidator(kinds=("pdf",), max_bytes=MB)
    validator(upload("ok.pdf", PDF))
    with pytest.raises(ValidationError):
        validator(upload("photo.pdf", JPEG))
    path, _args, kwargs = validator.deconstruct()
    assert path == "common.uploads.UploadValidator" and kwargs == {"kinds": ("pdf",), "max_bytes": MB}
