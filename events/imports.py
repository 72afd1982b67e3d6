"""The 活动安排表 import on the one engine (common.imports): what is events-specific.

- `read_sheet`: an xlsx goes through the upload checker (common.uploads: type, size, zip and XML bombs) and a csv
  (UTF-8, GBK, UTF-16) is size-checked; both are read by `common.imports.read_upload`, known columns only (a
  district's own sheet carries notes columns), with events' wording of the whole-file refusals;
- `ImportReport`: the preview — each row marked 新增 / 更新 / 无变化, with the counts; `RowError` rows (row 0 =
  the whole file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common import uploads
from common.imports import ImportFileError, Upload, read_upload
from common.imports.reading import ReadOptions
from common.imports.widgets import parse_count, parse_date  # noqa: F401  (the widgets of events/resources.py)

FORMULA_ADVICE = "是公式,没有计算结果;请在 Excel 中打开并保存,或粘贴为数值后再上传。"
OPTIONS = ReadOptions(
    unknown_columns="ignore",
    wording=(
        ("empty", _("Excel 文件是空的:没有找到表头和数据。请使用下载的模板填写。")),
        ("missing", _("缺少必需的列:“%(cols)s”。请使用下载的模板,不要删除或改名表头。")),
        ("too_many_rows", _("数据行太多:一次最多导入 %(limit)s 行,请分批上传。")),
        ("unreadable", _("无法读取该 Excel 文件的单元格内容,文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传。")),
    ),
)
CSV_EXTENSIONS = (".csv", ".txt")


class ImportRejected(ValueError):
    """The whole file is refused (str(exc) is the Chinese message); nothing is written."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or [RowError(0, "", message)]


@dataclass
class RowError:
    row: int  # spreadsheet row number (0 = the whole file)
    column: str
    message: str


CHANGE_LABELS = {"new": _("新增"), "update": _("更新"), "skip": _("无变化")}


@dataclass
class ImportReport:
    rows: list[dict] = field(default_factory=list)  # the parsed rows for the preview
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> dict:
        kinds = [r.get("change") for r in self.rows]
        return {"new": kinds.count("new"), "update": kinds.count("update"), "skip": kinds.count("skip")}


def as_row_errors(problems) -> list[RowError]:
    return [RowError(p.row or 0, p.column, p.message) for p in problems]


def read_sheet(upload, *, required: list[str], known: list[str]) -> Upload:
    """The rows of an uploaded 活动安排表 (xlsx or csv); raises ImportRejected with every reason."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    max_bytes = settings.KEPU_MAX_IMPORT_BYTES
    is_csv = os.path.splitext(name)[1].lower() in CSV_EXTENSIONS
    size = getattr(upload, "size", None)
    if is_csv and size is not None and size > max_bytes:  # refused before it is read
        raise ImportRejected(
            str(
                _("文件“%(name)s”太大(%(size).1f MB),不能超过 %(limit).1f MB。")
                % {"name": name, "size": size / 1048576, "limit": max_bytes / 1048576}
            )
        )
    try:  # the one upload checker: xlsx (zip and XML bombs) or csv/txt (text, not a binary renamed)
        uploads.validate_upload(upload, kinds=("csv",) if is_csv else ("xlsx",), max_bytes=max_bytes, label="文件")
    except ValidationError as exc:
        raise ImportRejected(" ".join(exc.messages)) from None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data:
        raise ImportRejected(str(_("文件“%(name)s”是空文件,请选择有内容的文件。") % {"name": name}))
    try:
        return read_upload(
            data,
            name or "import.xlsx",
            known,
            required,
            max_bytes=max_bytes,
            max_rows=settings.KEPU_MAX_IMPORT_ROWS,
            options=OPTIONS,
            checked=True,
        )
    except ImportFileError as exc:
        errors = as_row_errors(exc.problems)
        raise ImportRejected(
            errors[0].message
            if len(errors) == 1
            else str(_("有 %(n)s 个单元格是没有计算结果的公式。") % {"n": len(errors)}),
            errors,
        ) from None
