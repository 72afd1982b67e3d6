"""Every spreadsheet the portal writes goes through here, so user text is never run as a formula.

OWASP "CSV injection": Excel, WPS and LibreOffice treat a cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(A1)``). A
district's activity title, a base's address or a unit's narrative may begin that way.

The rule (one per file format, both applied only to ``str`` values; numbers, dates and ``None`` are
written unchanged, so a negative number stays a number):

* **xlsx** (openpyxl): a str beginning with one of ``= + - @ \\t \\r`` is written as a *text* cell — the
  value is assigned, then the cell's data type is set to ``"s"`` (openpyxl would otherwise store a str
  beginning with ``=`` as a formula) and its style gets Excel's "quote prefix" (the cell stays text
  even if someone edits it). The text shown is exactly what the user typed, with no added character.
* **csv** (no cell types): such a str is prefixed with a single quote ``'``, as OWASP recommends, so a
  spreadsheet opening the file shows ``'=HYPERLINK(...)`` as text instead of evaluating it.

The portal writes no formulas of its own, so ``workbook_bytes`` (the one way a workbook is saved)
also sweeps every cell and applies the xlsx rule to any that slipped past ``write_row``.

Times are written as the portal's wall-clock time (``settings.TIME_ZONE``, Asia/Shanghai), never UTC: the
database hands back aware UTC datetimes, and a clerk reading "16:00" in a sheet means 16:00 in Changzhou. In xlsx
an aware datetime becomes a naive local one (Excel has no time zones; openpyxl refuses aware values), in csv the
text ``2026-01-10 16:00:00``; ``local_time`` is the conversion, for text that quotes a time.

Use:

    ws = wb.active
    write_row(ws, 1, ["活动名称", "参与人次"])
    append_row(ws, [activity.title, activity.actual_participants])
    content = workbook_bytes(wb)

    writer = csv_writer(stream); writer.writerow([...])           # csv
    dataset_xlsx(dataset) / dataset_csv(dataset)                  # a tablib / import-export Dataset
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"


def local_time(value):
    """An aware datetime as a naive datetime in the portal's time zone (settings.TIME_ZONE); any other value
    unchanged (a naive datetime is taken to be local already)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
    return value


def needs_escape(value) -> bool:
    """True for a str a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value):
    """The value for a text format (csv): unchanged, unless it is a str beginning with = + - @ tab or CR,
    which gets a leading single quote, or a datetime, written in local time to the second."""
    if isinstance(value, dt.datetime):
        return local_time(value).isoformat(sep=" ", timespec="seconds")
    return CSV_ESCAPE + value if needs_escape(value) else value


def unescape_csv_cell(value):
    """The inverse of `safe_cell`, for a csv the portal exported and a user imports again: a leading single
    quote before = + - @ tab or CR is dropped, so a round trip keeps the text as it was."""
    if isinstance(value, str) and value.startswith(CSV_ESCAPE) and needs_escape(value[1:]):
        return value[1:]
    return value


# --- xlsx (openpyxl) ------------------------------------------------------------------------------
def as_text(cell):
    """Make an openpyxl cell holding a risky str a text cell (data type "s", quote prefix). Returns the cell."""
    if needs_escape(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def set_cell(ws, row: int, column: int, value):
    """ws.cell(row, column, value) that never stores user text as a formula, and a time in local time. Returns
    the cell."""
    return as_text(ws.cell(row=row, column=column, value=local_time(value)))


def write_row(ws, row_index: int, values: Iterable, start_column: int = 1) -> list:
    """Write `values` into row `row_index` from `start_column` on; returns the cells."""
    return [set_cell(ws, row_index, column, value) for column, value in enumerate(values, start=start_column)]


def append_row(ws, values: Iterable) -> list:
    """ws.append(values) that never stores user text as a formula; returns the cells."""
    return write_row(ws, ws._current_row + 1, values)  # the row openpyxl's own append uses (openpyxl 3.1)


def protect_workbook(workbook) -> None:
    """Apply the xlsx rule to every cell of every sheet (the portal writes no formulas of its own), and write
    any aware time that slipped past `write_row` in local time."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "s") and needs_escape(cell.value):
                    as_text(cell)
                elif cell.data_type == "d" and isinstance(cell.value, dt.datetime) and timezone.is_aware(cell.value):
                    cell.value = local_time(cell.value)


def workbook_bytes(workbook) -> bytes:
    """The workbook as xlsx bytes, after `protect_workbook`."""
    protect_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- csv ------------------------------------------------------------------------------------------
class SafeCsvWriter:
    """csv.writer whose every str cell goes through `safe_cell`."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)


# --- tablib / django-import-export datasets ------------------------------------------------------
def _dataset_rows(dataset) -> list[list]:
    rows = [list(dataset.headers)] if dataset.headers else []
    rows += [list(row) for row in dataset]
    return rows


def dataset_csv(dataset) -> str:
    """A tablib Dataset as csv text (header row first), every str cell through `safe_cell`."""
    stream = io.StringIO()
    csv_writer(stream).writerows(_dataset_rows(dataset))
    return stream.getvalue()


def dataset_xlsx(dataset, title: str | None = None) -> bytes:
    """A tablib Dataset as an xlsx workbook like tablib's own (bold frozen header row, wrapped multi-line
    cells, columns as wide as their content), with the xlsx rule applied to every cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    name = "".join("-" if ch in "\\/*?:[]" else ch for ch in str(title or dataset.title or ""))[:31].strip("'")
    if name:  # Excel refuses \ / * ? : [ ] in a sheet name, more than 31 characters, or a ' at either end
        ws.title = name
    bold, wrap = Font(bold=True), Alignment(wrap_text=True)
    widths: dict[int, int] = {}
    for index, values in enumerate(_dataset_rows(dataset), start=1):
        for cell in write_row(ws, index, values):
            if index == 1 and dataset.headers:
                cell.font = bold
            elif isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
            widths[cell.column] = max(
                widths.get(cell.column, 0), len(str(cell.value if cell.value is not None else ""))
            )
    if dataset.headers:
        ws.freeze_panes = "A2"
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    return workbook_bytes(wb)
