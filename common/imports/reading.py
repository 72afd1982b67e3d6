"""Reading an uploaded sheet: xlsx or csv (UTF-8, GBK, UTF-16), the header row found below title rows, a row
cap, formula cells without a result refused; every refusal an ImportFileError carrying Chinese Problems."""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common import uploads
from common.formula_cells import cell_name, uncomputed_formulas
from common.spreadsheets import unescape_csv_cell

from .problems import ImportFileError, Problem, file_problem, too_large

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 6  # title rows above the header are skipped, among this many non-empty rows
# Zip-bomb guard (common.uploads.check_zip_container): inflated total ≤ 20× the size cap, ratio ≤ 150.
MAX_UNCOMPRESSED_FACTOR = 20
MAX_COMPRESSION_RATIO = 150


# --- reading a file --------------------------------------------------------------------------
@dataclass
class Upload:
    dataset: tablib.Dataset
    row_numbers: list[int]  # spreadsheet row number of each dataset row
    fmt: str  # "xlsx" or "csv"


@dataclass(frozen=True)
class ReadOptions:
    """How strict a sheet's columns are read, and how an app words its whole-file refusals.

    `unknown_columns`: "refuse" lists every unknown, blank or repeated header (bases' exports round-trip exactly);
    "ignore" reads only the known columns (a district's own 活动安排表 carries notes columns), and a missing
    required column is then a whole-file refusal. Header names lose a trailing required mark (活动名称*).
    `wording`: message templates by key ("empty", "missing", "too_many_rows", "unreadable") replacing the defaults.
    """

    unknown_columns: str = "refuse"
    wording: tuple = ()

    def say(self, key: str, default: str, **values) -> str:
        template = dict(self.wording).get(key)
        return (str(template) if template else default) % values


DEFAULT_OPTIONS = ReadOptions()
REQUIRED_MARKS = "*＊"


def header_name(value) -> str:
    return "" if value is None else str(value).strip().rstrip(REQUIRED_MARKS).strip()


def read_upload(
    data: bytes,
    filename: str,
    headers: list[str],
    required: list[str],
    max_bytes: int | None = None,
    max_rows: int | None = None,
    options: ReadOptions = DEFAULT_OPTIONS,
    checked: bool = False,
) -> Upload:
    """Validate and parse an uploaded file. `headers`: every column the resource knows (order of the
    template); `required`: columns that must be present. Raises ImportFileError with Chinese problems.
    `checked`: the caller already passed the bytes through common.uploads.validate_upload (zip and XML bombs)."""
    max_bytes = max_bytes or settings.KEPU_MAX_IMPORT_BYTES
    max_rows = max_rows or settings.KEPU_MAX_IMPORT_ROWS
    if not data:
        raise file_problem(_("文件是空的(0 字节),请选择填好的模板文件。"))
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    ext = Path(filename or "").suffix.lower()
    formulas: set[tuple[int, int]] = set()
    if ext == ".xlsx":
        fmt, rows = "xlsx", _xlsx_rows(data, max_bytes, max_rows, options, checked)
        formulas = uncomputed_formulas(data)
    elif ext in (".csv", ".txt"):  # .txt: what Excel names its "Unicode 文本" (tab-separated) save
        if not checked:
            _check_text(data, filename, max_bytes)
        fmt, rows = "csv", _csv_rows(data, filename, max_rows)
    else:
        raise file_problem(
            _("不支持的文件类型“%(ext)s”,请上传 .xlsx 或 .csv 文件(可先下载模板)。") % {"ext": ext or _("无扩展名")}
        )
    return _to_dataset(rows, headers, required, max_rows, fmt, formulas, options)


def _xlsx_rows(
    data: bytes, max_bytes: int, max_rows: int, options: ReadOptions = DEFAULT_OPTIONS, checked: bool = False
):
    if not data.startswith(b"PK\x03\x04"):
        raise file_problem(
            _("文件不是有效的 Excel(.xlsx)文件,可能是其他格式改了扩展名。请用 Excel 另存为 .xlsx 后重试。")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise file_problem(_("文件不是有效的 Excel(.xlsx)文件,可能已损坏。请用 Excel 另存为 .xlsx 后重试。")) from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise file_problem(_("文件不是有效的 Excel(.xlsx)文件(缺少工作簿内容)。请用 Excel 另存为 .xlsx 后重试。"))
    # the one upload checker: declared and actual inflated sizes, compression ratio, defused XML (DTDs refused)
    try:
        if not checked:
            uploads.check_zip_container(
                data,
                "上传的文件",
                uploads.Limits(max_uncompressed=max_bytes * MAX_UNCOMPRESSED_FACTOR, max_ratio=MAX_COMPRESSION_RATIO),
            )
    except ValidationError as exc:
        raise file_problem(" ".join(exc.messages)) from None
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        out = []
        for row in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            out.append(row)
            if len(out) > max_rows + 1 + 1000:  # header + limit + blank-row slack: stop reading
                break
        wb.close()
    except ImportFileError:
        raise
    except Exception:
        raise file_problem(
            options.say("unreadable", _("无法读取 Excel 文件内容,文件可能已损坏或不是 .xlsx 格式。"))
        ) from None
    return out


def _check_text(data: bytes, filename: str, max_bytes: int) -> None:
    """A csv goes through the one upload checker too (a binary file named .csv is refused before any decoding)."""
    from django.core.files.base import ContentFile

    try:
        uploads.validate_upload(
            ContentFile(data, name=os.path.basename(filename or "") or "import.csv"),
            kinds=("csv",),
            max_bytes=max_bytes,
            label="文件",
        )
    except ValidationError as exc:
        raise file_problem(" ".join(exc.messages)) from None


def _save_as_advice() -> str:
    return _("请在 Excel 中另存为“CSV UTF-8(逗号分隔)”或“Unicode 文本”后再上传。")


def _decode_text(data: bytes, filename: str) -> str:
    """The text of a csv as Excel saves one: "CSV UTF-8" (UTF-8 with a BOM), "Unicode 文本" (UTF-16 LE with a
    BOM, tab-separated), plain "CSV" on a Chinese Windows (GBK, read as its superset GB18030), or UTF-8 without
    a BOM. UTF-16 is only taken with its BOM: without one it is told from binary by nothing reliable."""
    name = os.path.basename(filename or "") or _("上传的文件")
    unknown = file_problem(_("无法识别文件“%(name)s”的编码。") % {"name": name} + _save_as_advice())
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")  # the BOM says which byte order, and is dropped
        except UnicodeDecodeError:
            raise unknown from None
        if "\x00" in text:  # UTF-32's BOM begins as UTF-16's
            raise unknown
        return text
    if b"\x00" in data[:4096]:
        raise file_problem(
            _("文件“%(name)s”不是文本格式的 CSV(含有二进制内容),可能是其他格式改了扩展名。") % {"name": name}
            + _save_as_advice()
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unknown


def _delimiter(text: str) -> str:
    """A tab for Excel's "Unicode 文本" (and any file whose first lines have more tabs than commas), else a comma."""
    lines = [line for line in text.splitlines()[:50] if line.strip()][: HEADER_SEARCH_ROWS + 1]
    return "\t" if sum(line.count("\t") for line in lines) > sum(line.count(",") for line in lines) else ","


def _csv_rows(data: bytes, filename: str, max_rows: int):
    text = _decode_text(data, filename)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text)):
            rows.append([unescape_csv_cell(v) for v in row[:MAX_COLUMNS]])  # our own export's ' prefix
            if len(rows) > max_rows + 1 + 1000:
                break
        return rows
    except csv.Error:
        raise file_problem(_("CSV 文件格式不正确,无法解析。")) from None


def _clean_cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _header_problems(
    header_row: list[str], row_number: int, headers: list[str], required: list[str], options: ReadOptions
) -> list[Problem]:
    """What is wrong with the header row (at `row_number`): unnamed, unknown, repeated and missing columns."""
    start = row_number - 1
    problems = []
    seen = set()
    for col, name in enumerate(header_row, 1):
        if not name:
            problems.append(Problem(start + 1, "", _("第 %(col)s 列缺少列名。") % {"col": col}))
        elif name not in headers:
            problems.append(
                Problem(
                    start + 1,
                    name,
                    _("未知的列名“%(name)s”,请使用模板中的列名:%(known)s。")
                    % {"name": name, "known": "、".join(headers)},
                )
            )
        elif name in seen:
            problems.append(Problem(start + 1, name, _("列名“%(name)s”重复。") % {"name": name}))
        seen.add(name)
    missing = [h for h in required if h not in seen]
    if missing:
        problems.append(
            Problem(
                start + 1,
                "",
                options.say("missing", _("缺少必需的列:%(cols)s。请使用下载的模板。"), cols="、".join(missing)),
            )
        )
    return problems


def _to_dataset(
    rows,
    headers: list[str],
    required: list[str],
    max_rows: int,
    fmt: str,
    formulas: AbstractSet[tuple[int, int]] = frozenset(),
    options: ReadOptions = DEFAULT_OPTIONS,
) -> Upload:
    """`formulas`: the (row, column) of cells holding a formula without a result, which read as empty."""
    rows = [tuple(_clean_cell(v) for v in row) for row in rows]
    filled = [i for i, row in enumerate(rows) if any(v is not None for v in row)]
    if not filled:
        raise file_problem(options.say("empty", _("文件中没有任何内容(缺少表头和数据行)。请使用下载的模板填写。")))
    # the header row: the first of the first few non-empty rows naming a known column. A district's own sheet
    # carries a title row (merged across the columns) and perhaps a line of who filed it, above the header.
    start = next(
        (i for i in filled[:HEADER_SEARCH_ROWS] if any(header_name(v) in headers for v in rows[i] if v is not None)),
        None,
    )
    if start is None:
        raise file_problem(
            _("没有找到表头行:文件前 %(n)s 行中没有模板的列名(%(known)s)。请使用下载的模板填写。")
            % {"n": HEADER_SEARCH_ROWS, "known": "、".join(headers)}
        )
    header_row = [header_name(v) for v in rows[start]]
    while header_row and not header_row[-1]:
        header_row.pop()
    if options.unknown_columns == "ignore":
        return _known_columns(rows, start, header_row, headers, required, max_rows, fmt, formulas, options)
    problems = _header_problems(header_row, start + 1, headers, required, options)
    if problems:
        raise ImportFileError(problems)
    width = len(header_row)
    dataset = tablib.Dataset(headers=header_row)
    numbers: list[int] = []
    # a formula cell without a result reads as empty: "此字段不能为空" would be said of a cell Excel shows filled in
    uncomputed, in_blank_rows = [], []
    for index, row in enumerate(rows[start + 1 :], start + 2):
        values = list(row[:width]) + [None] * (width - len(row[:width]))
        formula_cells = [
            Problem(
                index,
                header_row[col],
                _("单元格 %(cell)s 是公式,没有计算结果;请在 Excel 中打开并保存,或粘贴为数值后再上传。")
                % {"cell": cell_name(index, col + 1)},
            )
            for col in range(width)
            if values[col] is None and (index, col + 1) in formulas
        ]
        if all(v is None for v in values):
            in_blank_rows += formula_cells  # (a 序号 formula filled down a template): only for a file of nothing else
            continue
        if any(v is not None for v in row[width:]):
            raise file_problem(_("第 %(row)s 行在表头以外的列中有内容,请删除多余的列。") % {"row": index})
        uncomputed += formula_cells
        numbers.append(index)
        dataset.append(values)
        if len(numbers) > max_rows:
            raise file_problem(
                options.say("too_many_rows", _("数据行数超过上限 %(limit)s 行,请分批导入。"), limit=max_rows)
            )
    if uncomputed or (not numbers and in_blank_rows):
        raise ImportFileError(uncomputed or in_blank_rows)
    if not numbers:
        raise file_problem(_("文件只有表头,没有数据行。"))
    return Upload(dataset=dataset, row_numbers=numbers, fmt=fmt)


def _known_columns(rows, start, header_row, headers, required, max_rows, fmt, formulas, options) -> Upload:
    """The "ignore" reading: the known columns only (first of each name), in the sheet's order."""
    positions: dict[str, int] = {}
    for col, name in enumerate(header_row):
        if name in headers and name not in positions:
            positions[name] = col
    missing = [h for h in required if h not in positions]
    if missing:
        raise file_problem(
            options.say("missing", _("缺少必需的列:%(cols)s。请使用下载的模板。"), cols="、".join(missing))
        )
    dataset = tablib.Dataset(headers=list(positions))
    numbers: list[int] = []
    uncomputed: list[Problem] = []
    in_blank_rows: list[Problem] = []
    for index, row in enumerate(rows[start + 1 :], start + 2):
        values = [row[col] if col < len(row) else None for col in positions.values()]
        formula_cells = [
            Problem(
                index,
                name,
                _("单元格 %(cell)s 是公式,没有计算结果;请在 Excel 中打开并保存,或粘贴为数值后再上传。")
                % {"cell": cell_name(index, col + 1)},
            )
            for name, col in positions.items()
            if (col >= len(row) or row[col] is None) and (index, col + 1) in formulas
        ]
        if all(v is None for v in values):
            in_blank_rows += formula_cells
            continue
        if len(numbers) >= max_rows:
            raise file_problem(
                options.say("too_many_rows", _("数据行数超过上限 %(limit)s 行,请分批导入。"), limit=max_rows)
            )
        uncomputed += formula_cells
        numbers.append(index)
        dataset.append(values)
    if uncomputed or (not numbers and in_blank_rows):
        raise ImportFileError(uncomputed or in_blank_rows)
    if not numbers:
        raise file_problem(_("文件只有表头,没有数据行。"))
    return Upload(dataset=dataset, row_numbers=numbers, fmt=fmt)
