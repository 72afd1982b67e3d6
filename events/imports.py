"""Generic pieces of an xlsx import with preview (no events imports here).

A candidate for common/imports.py (see /work/notes/events.md):
- `read_xlsx`: size cap, magic-byte check, defused XML (openpyxl uses defusedxml when installed),
  header row found among the first rows, required headers checked, empty rows skipped, row cap, and a
  tablib.Dataset plus the Excel row number of each data row;
- `collect_errors`: turns a django-import-export Result into (Excel row, column, Chinese message) rows;
- `ImportRejected`: a whole-file refusal with a Chinese message.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS

from common.formula_cells import cell_name, uncomputed_formulas

from .uploads import UploadRejected, check_xlsx


class ImportRejected(ValueError):
    """The whole file is refused (str(exc) is the Chinese message); nothing is written. `errors`: what to list,
    one whole-file line unless the refusal names cells."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or [RowError(0, "", message)]


@dataclass
class Sheet:
    dataset: tablib.Dataset
    row_numbers: list[int]  # the Excel row number of each dataset row
    header_row: int


@dataclass
class RowError:
    row: int  # Excel row number (0 = the whole file)
    column: str
    message: str


@dataclass
class ImportReport:
    rows: list[dict] = field(default_factory=list)  # the parsed rows for the preview
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


FORMULA_ADVICE = "是公式,没有计算结果;请在 Excel 中打开并保存,或粘贴为数值后再上传。"


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def _open_workbook(upload, max_bytes: int):
    """The checked bytes of an uploaded xlsx and its workbook (read-only, cached values), or ImportRejected."""
    from openpyxl import load_workbook

    try:
        data = check_xlsx(upload, max_bytes)
    except UploadRejected as exc:
        raise ImportRejected(str(exc)) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRejected("无法读取该 Excel 文件,文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传。") from exc
    except Exception as exc:  # defusedxml refuses entity expansion (XML bombs) with its own errors
        raise ImportRejected("Excel 文件内容不安全或格式异常,已拒绝。") from exc
    return data, workbook


def _find_header(rows_iter, required: list[str], header_search_rows: int) -> tuple[int, list[str]]:
    """(row number, column names) of the first of the first `header_search_rows` rows naming a required column;
    the iterator is left on the row after it."""
    scanned = []
    for index, row in enumerate(rows_iter, start=1):
        texts = [_cell_text(v).replace("*", "").replace("＊", "").strip() for v in row]
        scanned.append(texts)
        if any(t in required for t in texts):
            return index, texts
        if index >= header_search_rows:
            break
    if not any(any(t for t in texts) for texts in scanned):
        raise ImportRejected("Excel 文件是空的:没有找到表头和数据。请使用下载的模板填写。")
    raise ImportRejected("没有找到表头行:缺少必需的列“{}”。请使用下载的模板填写。".format("”“".join(required)))


def read_xlsx(upload, *, required: list[str], known: list[str], max_bytes: int, max_rows: int,
              header_search_rows: int = 6) -> Sheet:
    """Read the first sheet of an uploaded xlsx into a Dataset whose headers are the known columns."""
    data, workbook = _open_workbook(upload, max_bytes)
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportRejected("Excel 文件中没有工作表。")
        rows_iter = sheet.iter_rows(values_only=True)
        header_row, headers = _find_header(rows_iter, required, header_search_rows)
        missing = [name for name in required if name not in headers]
        if missing:
            raise ImportRejected("缺少必需的列:“{}”。请使用下载的模板,不要删除或改名表头。".format("”“".join(missing)))
        positions = {name: headers.index(name) for name in known if name in headers}
        dataset = tablib.Dataset(headers=list(positions))
        row_numbers: list[int] = []
        # a formula cell without a result reads as empty: "此字段不能为空" would be said of a cell Excel shows filled in
        formulas = uncomputed_formulas(data)
        uncomputed: list[RowError] = []
        in_blank_rows: list[RowError] = []
        for index, row in enumerate(rows_iter, start=header_row + 1):
            values = [row[pos] if pos < len(row) else None for pos in positions.values()]
            formula_cells = [RowError(index, name, f"单元格 {cell_name(index, pos + 1)} {FORMULA_ADVICE}")
                             for name, pos in positions.items()
                             if (index, pos + 1) in formulas and (pos >= len(row) or row[pos] is None)]
            if all(_cell_text(v) == "" for v in values):
                in_blank_rows += formula_cells  # (a 序号 formula filled down a template): only for a file of nothing else
                continue
            if len(row_numbers) >= max_rows:
                raise ImportRejected(f"数据行太多:一次最多导入 {max_rows} 行,请分批上传。")
            uncomputed += formula_cells
            dataset.append([v.strip() if isinstance(v, str) else v for v in values])
            row_numbers.append(index)
        if uncomputed or (not row_numbers and in_blank_rows):
            uncomputed = uncomputed or in_blank_rows
            raise ImportRejected(f"有 {len(uncomputed)} 个单元格是没有计算结果的公式。", errors=uncomputed)
    except ImportRejected:
        raise
    except Exception as exc:  # read_only parses each cell while iterating: a malformed one (<v>NaN</v>) fails here
        raise ImportRejected("无法读取该 Excel 文件的单元格内容,文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传。") from exc
    finally:
        workbook.close()
    if not row_numbers:
        raise ImportRejected("Excel 文件只有表头,没有数据行。")
    return Sheet(dataset=dataset, row_numbers=row_numbers, header_row=header_row)


def collect_errors(result, sheet: Sheet, column_for: dict[str, str]) -> list[RowError]:
    """(Excel row, column, message) for every invalid or failed row of an import-export Result."""
    errors: list[RowError] = []
    for base in result.base_errors:
        errors.append(RowError(0, "", str(base.error)))
    for invalid in result.invalid_rows:
        excel_row = sheet.row_numbers[invalid.number - 1]
        for key, messages in invalid.error_dict.items():
            column = "" if key == NON_FIELD_ERRORS else column_for.get(key, key)
            for message in messages:
                errors.append(RowError(excel_row, column, str(message)))
    for number, row_errors in result.row_errors():
        excel_row = sheet.row_numbers[number - 1]
        for error in row_errors:
            errors.append(RowError(excel_row, "", f"无法导入此行:{error.error}"))
    errors.sort(key=lambda e: (e.row, e.column))
    return errors


def parse_date(value) -> dt.date:
    """A date from an Excel cell: a real date, 2025-09-17, 2025/9/17, 2025.9.17 or 2025年9月17日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if not text:
        raise ValueError("日期不能为空。")
    normalised = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    parts = normalised.split(" ")[0].split("-")
    try:
        year, month, day = (int(p) for p in parts)
        return dt.date(year, month, day)
    except (ValueError, TypeError, OverflowError):  # OverflowError: a year of 20 digits
        raise ValueError(f"“{text}”不是有效的日期,请填写如 2025-09-17 的日期。") from None


def parse_count(value, label: str = "人数") -> int:
    """A non-negative whole number (blank = 0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _cell_text(value).replace(",", "").replace(",", "")
    if text == "":
        return 0
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    # "1e400" and a number cell read as infinity are no count either: int() of them raises OverflowError
    if not math.isfinite(number):
        raise ValueError(f"“{text}”不是有效的整数。")
    if number < 0:
        raise ValueError(f"{label}不能为负数(填写了 {text})。")
    if number != int(number):
        raise ValueError(f"{label}必须是整数(填写了 {text})。")
    return int(number)
