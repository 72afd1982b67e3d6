"""Generic Excel/CSV import & export pieces on top of django-import-export.

Written so another app (events) can reuse it unchanged; it could move to common/ (see notes):

* ``read_upload`` — checks an uploaded file (size, empty, extension, real xlsx/zip, zip bomb, row
  limit, headers) and returns a ``tablib.Dataset`` plus the spreadsheet row number of every data row;
  every refusal is an ``ImportFileError`` carrying Chinese ``Problem`` s.
* Chinese widgets (dates, non-negative numbers, choice labels, lookups by name) whose errors are
  Chinese ``ValueError`` s that import-export turns into per-column validation errors.
* ``KepuResource`` — a ModelResource with a user, a stable id column, a natural-key fallback, a
  queryset limited to what the user may touch, and in-file duplicate checks.
* ``collect_problems`` — every error of an import-export ``Result`` as (row, column, message).
* ``run_import`` — dry run or real run inside one transaction; any problem rolls everything back.
* ``ImportFlowView`` — upload → preview (every bad row listed) → confirm, the file stashed under
  MEDIA_ROOT/imports between the two steps.
* ``export_response`` / ``template_response`` — xlsx or csv downloads with Chinese headers, written by
  ``common.spreadsheets`` (user text beginning with = + - @ tab or CR is text, never a formula).
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Set
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from import_export import resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common import uploads
from common.formula_cells import cell_name, uncomputed_formulas
from common.spreadsheets import dataset_csv, dataset_xlsx, unescape_csv_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 6  # title rows above the header are skipped, among this many non-empty rows
# Zip-bomb guard (common.uploads.check_zip_container): inflated total ≤ 20× the size cap, ratio ≤ 150.
MAX_UNCOMPRESSED_FACTOR = 20
MAX_COMPRESSION_RATIO = 150


@dataclass
class Problem:
    row: int | None  # spreadsheet row number (the header is row 1); None = the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column:
            where.append(_("“%(column)s”列") % {"column": self.column})
        return ("".join(where) + ":" if where else "") + self.message


class ImportFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def file_problem(message: str) -> ImportFileError:
    return ImportFileError([Problem(None, "", message)])


def too_large(size: int, max_bytes: int | None = None) -> ImportFileError:
    max_bytes = max_bytes or settings.KEPU_MAX_IMPORT_BYTES
    return file_problem(_("文件过大(%(size).2f MB),上限为 %(limit).2f MB。请分批导入。")
                        % {"size": size / 1048576, "limit": max_bytes / 1048576})


# --- reading a file --------------------------------------------------------------------------
@dataclass
class Upload:
    dataset: tablib.Dataset
    row_numbers: list[int]  # spreadsheet row number of each dataset row
    fmt: str  # "xlsx" or "csv"


def read_upload(data: bytes, filename: str, headers: list[str], required: list[str],
                max_bytes: int | None = None, max_rows: int | None = None) -> Upload:
    """Validate and parse an uploaded file. `headers`: every column the resource knows (order of the
    template); `required`: columns that must be present. Raises ImportFileError with Chinese problems."""
    max_bytes = max_bytes or settings.KEPU_MAX_IMPORT_BYTES
    max_rows = max_rows or settings.KEPU_MAX_IMPORT_ROWS
    if not data:
        raise file_problem(_("文件是空的(0 字节),请选择填好的模板文件。"))
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    ext = Path(filename or "").suffix.lower()
    formulas: set[tuple[int, int]] = set()
    if ext == ".xlsx":
        fmt, rows = "xlsx", _xlsx_rows(data, max_bytes, max_rows)
        formulas = uncomputed_formulas(data)
    elif ext in (".csv", ".txt"):  # .txt: what Excel names its "Unicode 文本" (tab-separated) save
        fmt, rows = "csv", _csv_rows(data, filename, max_rows)
    else:
        raise file_problem(_("不支持的文件类型“%(ext)s”,请上传 .xlsx 或 .csv 文件(可先下载模板)。")
                           % {"ext": ext or _("无扩展名")})
    return _to_dataset(rows, headers, required, max_rows, fmt, formulas)


def _xlsx_rows(data: bytes, max_bytes: int, max_rows: int):
    if not data.startswith(b"PK\x03\x04"):
        raise file_problem(_("文件不是有效的 Excel(.xlsx)文件,可能是其他格式改了扩展名。请用 Excel 另存为 .xlsx 后重试。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise file_problem(_("文件不是有效的 Excel(.xlsx)文件,可能已损坏。请用 Excel 另存为 .xlsx 后重试。")) from exc
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise file_problem(_("文件不是有效的 Excel(.xlsx)文件(缺少工作簿内容)。请用 Excel 另存为 .xlsx 后重试。"))
    # the one upload checker: declared and actual inflated sizes, compression ratio, defused XML (DTDs refused)
    try:
        uploads.check_zip_container(data, "上传的文件",
                                    uploads.Limits(max_uncompressed=max_bytes * MAX_UNCOMPRESSED_FACTOR,
                                                   max_ratio=MAX_COMPRESSION_RATIO))
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
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file for the user
        raise file_problem(_("无法读取 Excel 文件内容,文件可能已损坏或不是 .xlsx 格式。")) from exc
    return out


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
        raise file_problem(_("文件“%(name)s”不是文本格式的 CSV(含有二进制内容),可能是其他格式改了扩展名。")
                           % {"name": name} + _save_as_advice())
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unknown


def _delimiter(text: str) -> str:
    """A tab for Excel's "Unicode 文本" (and any file whose first lines have more tabs than commas), else a comma."""
    lines = [line for line in text.splitlines()[:50] if line.strip()][:HEADER_SEARCH_ROWS + 1]
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
    except csv.Error as exc:
        raise file_problem(_("CSV 文件格式不正确,无法解析。")) from exc


def _clean_cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _header_problems(header_row: list[str], row_number: int, headers: list[str], required: list[str]) -> list[Problem]:
    """What is wrong with the header row (at `row_number`): unnamed, unknown, repeated and missing columns."""
    problems = []
    seen = set()
    for col, name in enumerate(header_row, 1):
        if not name:
            problems.append(Problem(row_number, "", _("第 %(col)s 列缺少列名。") % {"col": col}))
        elif name not in headers:
            problems.append(Problem(row_number, name, _("未知的列名“%(name)s”,请使用模板中的列名:%(known)s。")
                                    % {"name": name, "known": "、".join(headers)}))
        elif name in seen:
            problems.append(Problem(row_number, name, _("列名“%(name)s”重复。") % {"name": name}))
        seen.add(name)
    missing = [h for h in required if h not in seen]
    if missing:
        problems.append(Problem(row_number, "", _("缺少必需的列:%(cols)s。请使用下载的模板。")
                                % {"cols": "、".join(missing)}))
    return problems


def _to_dataset(rows, headers: list[str], required: list[str], max_rows: int, fmt: str,
                formulas: Set[tuple[int, int]] = frozenset()) -> Upload:
    """`formulas`: the (row, column) of cells holding a formula without a result, which read as empty."""
    rows = [tuple(_clean_cell(v) for v in row) for row in rows]
    filled = [i for i, row in enumerate(rows) if any(v is not None for v in row)]
    if not filled:
        raise file_problem(_("文件中没有任何内容(缺少表头和数据行)。请使用下载的模板填写。"))
    # the header row: the first of the first few non-empty rows naming a known column. A district's own sheet
    # carries a title row (merged across the columns) and perhaps a line of who filed it, above the header.
    start = next((i for i in filled[:HEADER_SEARCH_ROWS]
                  if any(str(v).strip() in headers for v in rows[i] if v is not None)), None)
    if start is None:
        raise file_problem(_("没有找到表头行:文件前 %(n)s 行中没有模板的列名(%(known)s)。请使用下载的模板填写。")
                           % {"n": HEADER_SEARCH_ROWS, "known": "、".join(headers)})
    header_row = [str(v).strip() if v is not None else "" for v in rows[start]]
    while header_row and not header_row[-1]:
        header_row.pop()
    problems = _header_problems(header_row, start + 1, headers, required)
    if problems:
        raise ImportFileError(problems)
    width = len(header_row)
    dataset = tablib.Dataset(headers=header_row)
    numbers = []
    # a formula cell without a result reads as empty: "此字段不能为空" would be said of a cell Excel shows filled in
    uncomputed, in_blank_rows = [], []
    for index, row in enumerate(rows[start + 1:], start + 2):
        values = list(row[:width]) + [None] * (width - len(row[:width]))
        formula_cells = [Problem(index, header_row[col], _("单元格 %(cell)s 是公式,没有计算结果;请在 Excel 中打开并保存,"
                                                           "或粘贴为数值后再上传。") % {"cell": cell_name(index, col + 1)})
                         for col in range(width) if values[col] is None and (index, col + 1) in formulas]
        if all(v is None for v in values):
            in_blank_rows += formula_cells  # (a 序号 formula filled down a template): only for a file of nothing else
            continue
        if any(v is not None for v in row[width:]):
            raise file_problem(_("第 %(row)s 行在表头以外的列中有内容,请删除多余的列。") % {"row": index})
        uncomputed += formula_cells
        numbers.append(index)
        dataset.append(values)
        if len(numbers) > max_rows:
            raise file_problem(_("数据行数超过上限 %(limit)s 行,请分批导入。") % {"limit": max_rows})
    if uncomputed or (not numbers and in_blank_rows):
        raise ImportFileError(uncomputed or in_blank_rows)
    if not numbers:
        raise file_problem(_("文件只有表头,没有数据行。"))
    return Upload(dataset=dataset, row_numbers=numbers, fmt=fmt)


# --- Chinese widgets -------------------------------------------------------------------------
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - only the date is kept
            except ValueError:
                continue
        raise ValueError(_("日期“%(value)s”格式不正确,请写成 2024-05-01。") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


# The largest value an integer column holds (BIGINT). A cell beyond it ("1e400" as text, or a number cell
# openpyxl reads as infinity) is no count or id at all, and int() of an infinite float raises OverflowError.
MAX_INTEGER = 2**63 - 1


def shown(value) -> str:
    """A cell as the user typed it: a whole float without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def whole_number(value) -> int | None:
    """The cell as an int, or None when it is not a whole number an integer column can hold."""
    try:
        number = Decimal(shown(value).replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value() or abs(number) > MAX_INTEGER:
        return None
    return int(number)


class NumberWidget(widgets.Widget):
    """Non-negative integer (or decimal with `decimal=True`)."""

    def __init__(self, decimal: bool = False, **kwargs):
        self.decimal = decimal
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = shown(value)
        not_a_number = (_("“%(value)s”不是有效的数字。") if self.decimal else _("“%(value)s”不是有效的整数。")) % {
            "value": text}
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(not_a_number) from None
        if not number.is_finite():  # nan, inf, and number cells read as infinity
            raise ValueError(not_a_number)
        if number < 0:
            raise ValueError(_("不能为负数(填写的是 %(value)s)。") % {"value": text})
        if self.decimal:
            return number
        if number != number.to_integral_value():
            raise ValueError(_("必须是整数(填写的是 %(value)s)。") % {"value": text})
        if number > MAX_INTEGER:
            raise ValueError(not_a_number)
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if not isinstance(value, Decimal) else float(value)


class ChoiceWidget(widgets.Widget):
    """Exports the Chinese label; imports the label or the code."""

    def __init__(self, choices, **kwargs):
        self.choices = [(str(k), str(v)) for k, v in choices]
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip()
        for code, label in self.choices:
            if text in (code, label):
                return code
        raise ValueError(_("“%(value)s”不是有效选项,可选:%(options)s。")
                         % {"value": text, "options": "、".join(label for _c, label in self.choices)})

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices).get(str(value), value or "") if value else ""


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key looked up by any of several fields (e.g. a region by name or code), cached."""

    def __init__(self, model, fields=("name",), render_field="name", label="", queryset=None, **kwargs):
        self.lookup_fields = fields
        self.render_field = render_field
        self.label = label
        self._queryset = queryset
        self._cache = None
        super().__init__(model, field=render_field, **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return self._queryset if self._queryset is not None else self.model.objects.all()

    def _index(self):
        if self._cache is None:
            self._cache = {}
            for obj in self.get_queryset(None, None):
                for f in self.lookup_fields:
                    self._cache.setdefault(str(getattr(obj, f)).strip(), obj)
        return self._cache

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        key = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            key = str(int(value))
        obj = self._index().get(key)
        if obj is None:
            raise ValueError(_("未知的%(label)s“%(value)s”。") % {"label": self.label, "value": key})
        return obj

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.render_field, "") if value is not None else ""


class NamesWidget(widgets.ManyToManyWidget):
    """Many-to-many by names separated by 、 , ; (unknown names are an error, not silently dropped)."""

    SPLIT = re.compile(r"[、,,;;]+")

    def __init__(self, model, field="name", label="", **kwargs):
        self.label = label
        super().__init__(model, separator="、", field=field, **kwargs)

    _index = None

    def clean(self, value, row=None, **kwargs):
        if not value:
            return []
        if self._index is None:  # one query per import (the widget is copied per resource instance)
            self._index = {str(getattr(o, self.field)): o for o in self.model.objects.all()}
        names = [n.strip() for n in self.SPLIT.split(str(value)) if n.strip()]
        unknown = sorted({n for n in names if n not in self._index})
        if unknown:
            raise ValueError(_("未知的%(label)s:%(names)s。") % {"label": self.label, "names": "、".join(unknown)})
        return [self._index[n] for n in dict.fromkeys(names)]


# --- the resource base -----------------------------------------------------------------------
class RowRejected(Exception):
    pass


class KepuResource(resources.ModelResource):
    """ModelResource with a user, a stable id column (`id_column`) and a natural-key fallback.

    Subclasses set `required_columns`, optionally `natural_key(row_instance)` and override
    `scoped_queryset(user)` (what the user may update) and `check_scope(instance)` (raise
    ValidationError naming the column when the row points outside the user's scope)."""

    required_columns: list[str] = []
    # attributes (or tuples of attributes, together) whose non-blank values must not repeat in one file
    unique_in_file: list[str | tuple[str, ...]] = []
    # fields whose database constraints `check_in_memory_constraints` checks against data loaded once per file
    # (instead of one query per row); the database still enforces them when the batch is written
    constraints_checked_in_memory: set[str] = set()

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._seen: dict[str, dict] = {}

    # columns
    @classmethod
    def column_names(cls) -> list[str]:
        return [f.column_name for f in cls().get_export_fields()]

    def import_columns(self) -> list[str]:
        return [f.column_name for f in self.get_export_fields()]

    def column_for(self, attribute: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return ""
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return ""

    def before_import(self, dataset, **kwargs):
        # the id column is optional in an upload (blank ids = new rows); import-export wants it present
        id_column = self.fields["id"].column_name
        if id_column not in (dataset.headers or []):
            dataset.append_col([None] * len(dataset), header=id_column)
        super().before_import(dataset, **kwargs)
        self._stamp = timezone.now()  # one history date for every record this import writes in bulk
        self._pending_m2m: dict[int, tuple] = {}
        # the rows' existing instances (by the id column) in a query per 500 ids, not one per row
        ids = {whole_number(raw) for raw in (dataset[id_column] if len(dataset) else []) if raw not in (None, "")}
        self._by_pk = self.load_instances(ids - {None})

    def load_instances(self, ids) -> dict:
        ids, found = sorted(ids), {}
        for i in range(0, len(ids), 500):
            found.update({obj.pk: obj for obj in self.get_queryset().filter(pk__in=ids[i:i + 500])})
        return found

    # instances
    def scoped_queryset(self):
        return self._meta.model.objects.all()

    def get_queryset(self):
        return self.scoped_queryset()

    def natural_key_lookup(self, row):
        """An existing instance (in scope) matching the row's natural key, or None: lets a filled-in
        template without ids be imported twice without duplicating."""
        return None

    def get_or_init_instance(self, instance_loader, row):
        id_column = self.fields["id"].column_name
        raw = row.get(id_column)
        if raw not in (None, ""):
            pk = whole_number(raw)
            if pk is None:
                raise ValidationError({"id": _("编号“%(value)s”不是有效的编号:请保留导出文件中的编号,新记录留空。")
                                       % {"value": shown(raw)}})
            cache = getattr(self, "_by_pk", None)
            instance = cache.get(pk) if cache is not None else self.get_queryset().filter(pk=pk).first()
            if instance is None:
                raise ValidationError({"id": _("编号 %(pk)s 的记录不存在或不在您的管理范围内。") % {"pk": pk}})
            return instance, False
        try:
            existing = self.natural_key_lookup(row)
        except (ValueError, ValidationError):  # reported by import_instance with its column
            existing = None
        if existing is not None:
            return existing, False
        return self.init_instance(row), True

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        for field in self.get_import_fields():  # many-to-many values are checked now, saved later
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as e:
                    errors[field.attribute] = [str(e)]
        if not errors:
            try:
                self.check_scope(instance)
            except ValidationError as e:
                errors = e.update_error_dict(errors)
        for spec in ["id", *self.unique_in_file]:  # one record updated by two rows: the second would silently win
            attributes = spec if isinstance(spec, tuple) else (spec,)
            if any(a in errors for a in attributes):
                continue
            key = tuple(getattr(instance, instance._meta.get_field(a).attname, None) for a in attributes)
            if any(v in (None, "") for v in key):
                continue
            first = self._seen.setdefault(spec, {}).setdefault(key, kwargs.get("row_number"))
            if first != kwargs.get("row_number"):
                shown = " / ".join(str(getattr(instance, a)) for a in attributes)
                errors[attributes[-1]] = [_("“%(value)s”与文件中第 %(row)s 行重复。")
                                          % {"value": shown, "row": self._spreadsheet_row(first)}]
        if errors:
            raise ValidationError(errors)

    def check_scope(self, instance):
        """Raise ValidationError when the row points outside what the user may touch."""

    def check_in_memory_constraints(self, instance):
        """Raise ValidationError for a constraint on `constraints_checked_in_memory` fields that the row breaks."""

    def refusal(self) -> str | None:
        """A Chinese message when the user may not import this kind of row at all (checked before any row)."""
        return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # blank text cells arrive as None: text columns store "" (full_clean then says "不能为空" if required)
        from django.db import models as djmodels

        for f in instance._meta.concrete_fields:
            if (isinstance(f, (djmodels.CharField, djmodels.TextField)) and not f.null
                    and getattr(instance, f.attname) is None):
                setattr(instance, f.attname, "")
        errors = dict(import_validation_errors or {})
        # foreign keys filled by a LookupWidget came from the database already: skip the existence query
        looked_up = [f.attribute for f in self.get_import_fields() if isinstance(f.widget, LookupWidget)]
        # (Model.full_clean, with the field checks skipping those foreign keys but constraints still checked)
        in_memory = set(self.constraints_checked_in_memory)
        # each step sees the errors of the steps before it: update_error_dict adds to `errors` in place
        for step in (
            lambda: instance.clean_fields(exclude=set(errors) | set(looked_up)),
            instance.clean,
            lambda: validate_unique and instance.validate_unique(exclude=set(errors)),
            lambda: instance.validate_constraints(exclude=set(errors) | in_memory),
            lambda: in_memory and not (in_memory & set(errors)) and self.check_in_memory_constraints(instance),
        ):
            try:
                step()
            except ValidationError as exc:
                exc.update_error_dict(errors)
        if errors:
            raise ValidationError(self._constraint_errors_to_columns(instance, ValidationError(errors).message_dict))

    def save_instance(self, instance, is_create, row, **kwargs):
        """The preview (dry run) checks every row but writes nothing: duplicates inside the file are caught by
        `unique_in_file`, those against the database by the model's constraints (validate_constraints).
        With Meta.use_bulk the real run queues the instance; `bulk_create` / `bulk_update` write each batch."""
        if kwargs.get("dry_run"):
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        if not self._meta.use_bulk:
            super().save_m2m(instance, row, **kwargs)
            return
        values = {field.attribute: field.clean(row, **kwargs) for field in self.get_import_fields()
                  if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row}
        if values:  # a missing column leaves the relation as it is
            self._pending_m2m[id(instance)] = (instance, values)

    # --- bulk writes (Meta.use_bulk): every batch in a savepoint, with history (who, when, what) -----------
    # Only for models whose save() adds nothing and that no post_save receiver other than simple-history's
    # listens to (bulk_create / bulk_update send no signals).
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        objs = list(self.create_instances)
        self.create_instances.clear()
        if dry_run or not objs:
            return
        try:
            with transaction.atomic():
                created = bulk_create_with_history(objs, self._meta.model, batch_size=self._meta.batch_size,
                                                   default_user=self._history_user(), default_date=self._stamp)
                if any(o.pk is None for o in created):  # pragma: no cover - every supported database returns ids
                    raise RuntimeError("bulk_create did not return primary keys")
                for new, obj in zip(created, objs):
                    obj.pk = new.pk
                self._write_m2m(objs, created=True)
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        objs = list(self.update_instances)
        self.update_instances.clear()
        if dry_run or not objs:
            return
        model = self._meta.model
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "auto_now_add", False)]
        try:
            with transaction.atomic():
                for obj in objs:
                    for f in fields:
                        if getattr(f, "auto_now", False):
                            setattr(obj, f.attname, self._stamp)
                bulk_update_with_history(objs, model, [f.name for f in fields], batch_size=self._meta.batch_size,
                                         default_user=self._history_user(), default_date=self._stamp)
                self._write_m2m(objs, created=False)
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)

    def _history_user(self):
        return self.user if self.user is not None and self.user.is_authenticated else None

    def _write_m2m(self, objs, created: bool):
        """Many-to-many values queued by save_m2m, then the history's copy of them for the records just written
        (simple-history's bulk helpers leave the historical m2m tables empty)."""
        model = self._meta.model
        pending = [self._pending_m2m.pop(id(obj)) for obj in objs if id(obj) in self._pending_m2m]
        m2m_fields = {f.name: f for f in model._meta.many_to_many}
        for name in sorted({n for _obj, values in pending for n in values}):
            field = m2m_fields[name]
            through = field.remote_field.through
            src, dst = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows = [(obj, values[name]) for obj, values in pending if name in values]
            if not created:
                through.objects.filter(**{f"{src}_id__in": [obj.pk for obj, _v in rows]}).delete()
            through.objects.bulk_create([through(**{f"{src}_id": obj.pk, f"{dst}_id": target.pk})
                                         for obj, targets in rows for target in targets], batch_size=2000)
        history = model.history.model
        tracked = getattr(history, "_history_m2m_fields", [])
        if not tracked:
            return
        pk_name = model._meta.pk.attname
        records = list(history.objects.filter(history_date=self._stamp, **{f"{pk_name}__in": [o.pk for o in objs]})
                       .values_list("history_id", pk_name))
        for field in tracked:
            m2m_history = getattr(history, field.name).model
            through = field.remote_field.through
            src = field.m2m_field_name()
            names = [f.attname for f in through._meta.concrete_fields]  # the through row's id is copied too
            current: dict = {}
            for values in through.objects.filter(**{f"{src}_id__in": [pk for _h, pk in records]}).values(*names):
                current.setdefault(values[f"{src}_id"], []).append(values)
            m2m_history.objects.bulk_create([m2m_history(history_id=history_id, **values)
                                             for history_id, pk in records for values in current.get(pk, [])],
                                            batch_size=2000)

    @staticmethod
    def _constraint_errors_to_columns(instance, errors: dict) -> dict:
        """A violated single-field constraint is reported by Django as a non-field error: put it on its column."""
        from django.db.models import UniqueConstraint

        by_message = {
            str(c.violation_error_message): c.fields[0]
            for c in instance._meta.constraints
            if isinstance(c, UniqueConstraint) and len(c.fields) == 1 and c.violation_error_message
        }
        errors = {k: list(v) for k, v in errors.items()}
        for message in list(errors.get(NON_FIELD_ERRORS, [])):
            field = by_message.get(str(message))
            if field:
                errors[NON_FIELD_ERRORS].remove(message)
                errors.setdefault(field, []).append(message)
        if NON_FIELD_ERRORS in errors and not errors[NON_FIELD_ERRORS]:
            del errors[NON_FIELD_ERRORS]
        return errors

    def export_queryset(self, queryset):
        return queryset

    def _spreadsheet_row(self, number):
        numbers = getattr(self, "row_numbers", None)
        return numbers[number - 1] if numbers and number else number


def _message(error) -> str:
    if isinstance(error, IntegrityError):
        return _("数据与已有记录冲突(重复或引用无效),该行未导入。")
    if isinstance(error, ValidationError):
        return ";".join(error.messages)
    text = str(error)
    return text if re.search(r"[\u4e00-\u9fff]", text) else _("该行无法导入:%(error)s") % {"error": text}


def collect_problems(result, resource: KepuResource, row_numbers: list[int]) -> list[Problem]:
    """Every error of an import-export Result as Chinese (row, column, message) problems."""

    def rownum(number):
        return row_numbers[number - 1] if number and number <= len(row_numbers) else number

    problems = [Problem(None, "", _message(e.error)) for e in result.base_errors]
    for number, errors in result.row_errors():
        for e in errors:
            problems.append(Problem(rownum(number), "", _message(e.error)))
    for invalid in result.invalid_rows:
        for attribute, msgs in invalid.error_dict.items():
            for m in msgs:
                problems.append(Problem(rownum(invalid.number), resource.column_for(attribute), str(m)))
    problems.sort(key=lambda p: (p.row or 0, p.column))
    return problems


@dataclass
class ImportOutcome:
    problems: list[Problem]
    new: int = 0
    updated: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def run_import(resource: KepuResource, upload: Upload, dry_run: bool) -> ImportOutcome:
    """Import inside one transaction. Dry run: always rolled back. Real run: rolled back entirely
    on any problem (all-or-nothing)."""
    resource.row_numbers = upload.row_numbers
    resource._seen = {}
    refused = resource.refusal()
    if refused:
        return ImportOutcome(problems=[Problem(None, "", refused)], total=len(upload.dataset))
    outcome = ImportOutcome(problems=[])
    try:
        with transaction.atomic():
            result = resource.import_data(
                upload.dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True,
                raise_errors=False,
            )
            outcome.problems = collect_problems(result, resource, upload.row_numbers)
            outcome.new = result.totals.get("new", 0)
            outcome.updated = result.totals.get("update", 0)
            outcome.total = len(upload.dataset)
            if dry_run or outcome.problems:
                raise _Rollback
    except _Rollback:
        pass
    return outcome


# --- downloads -------------------------------------------------------------------------------
def dataset_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """The dataset as a download, written by common.spreadsheets (user text never becomes a formula)."""
    if fmt == "csv":
        content = "\ufeff" + dataset_csv(dataset)  # BOM so Excel opens UTF-8 correctly
        response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        fmt = "xlsx"
        response = HttpResponse(dataset_xlsx(dataset, title=filename), content_type=XLSX_CONTENT_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.{fmt}"
    return response


def export_response(resource: KepuResource, queryset, fmt: str, filename: str) -> HttpResponse:
    return dataset_response(resource.export(queryset), fmt, filename)


def template_response(resource_class, fmt: str, filename: str) -> HttpResponse:
    return dataset_response(tablib.Dataset(headers=resource_class.column_names()), fmt, filename)


# --- upload → preview → confirm --------------------------------------------------------------
def _stash_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


STASH_MAX_AGE_SECONDS = 24 * 3600


def stash_upload(request, key: str, data: bytes, filename: str) -> str:
    import time

    for stale in _stash_dir().iterdir():  # previews never confirmed
        try:
            if stale.stat().st_mtime < time.time() - STASH_MAX_AGE_SECONDS:
                stale.unlink()
        except OSError:
            pass
    token = uuid.uuid4().hex
    (_stash_dir() / token).write_bytes(data)
    pending = request.session.get("kepu_imports", {})
    pending[token] = {"key": key, "filename": filename}
    request.session["kepu_imports"] = pending
    return token


def load_stash(request, key: str, token: str):
    pending = request.session.get("kepu_imports", {})
    meta = pending.get(token or "")
    if not meta or meta.get("key") != key or not re.fullmatch(r"[0-9a-f]{32}", token):
        return None, None
    path = _stash_dir() / token
    if not path.exists():
        return None, None
    return path.read_bytes(), meta["filename"]


def drop_stash(request, token: str) -> None:
    pending = request.session.get("kepu_imports", {})
    pending.pop(token, None)
    request.session["kepu_imports"] = pending
    with contextlib.suppress(OSError):
        os.remove(_stash_dir() / token)


class ImportFlowView(View):
    """Upload (POST file) → dry-run preview listing every problem → confirm (POST token) → real run.

    Subclasses set `resource_class`, `key`, `title`, `template_name`, `success_url` and may override
    `get_resource()` (to pass the user) and `check_permission()`."""

    resource_class: type[KepuResource]
    key = "import"
    title = ""
    template_name = "imports/import.html"
    success_url = "/"
    template_url = ""

    def get_resource(self) -> KepuResource:
        return self.resource_class(user=self.request.user)

    def context(self, **extra):
        resource_class = self.resource_class
        return {
            "title": self.title,
            "columns": resource_class.column_names(),
            "required_columns": resource_class.required_columns,
            "template_url": self.template_url,
            "max_mb": settings.KEPU_MAX_IMPORT_BYTES / 1048576,
            "max_rows": settings.KEPU_MAX_IMPORT_ROWS,
            **extra,
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def parse(self, data: bytes, filename: str) -> Upload:
        resource = self.resource_class
        return read_upload(data, filename, resource.column_names(), resource.required_columns)

    def post(self, request, *args, **kwargs):
        if request.POST.get("token"):
            return self.confirm(request)
        upload_file = request.FILES.get("file")
        if upload_file is None:
            return render(request, self.template_name, self.context(
                problems=[Problem(None, "", _("请选择要上传的文件。"))]), status=400)
        try:
            if upload_file.size > settings.KEPU_MAX_IMPORT_BYTES:  # refused without reading it into memory
                raise too_large(upload_file.size)
            data = upload_file.read()
            upload = self.parse(data, upload_file.name)
        except ImportFileError as exc:
            return render(request, self.template_name, self.context(problems=exc.problems,
                                                                    filename=upload_file.name), status=400)
        outcome = run_import(self.get_resource(), upload, dry_run=True)
        if not outcome.ok:
            return render(request, self.template_name, self.context(problems=outcome.problems, outcome=outcome,
                                                                    filename=upload_file.name), status=400)
        token = stash_upload(request, self.key, data, upload_file.name)
        preview = upload.dataset.dict[:20]
        return render(request, self.template_name, self.context(
            outcome=outcome, token=token, filename=upload_file.name,
            preview_headers=upload.dataset.headers, preview_rows=[list(r.values()) for r in preview],
        ))

    def confirm(self, request):
        token = request.POST.get("token", "")
        data, filename = load_stash(request, self.key, token)
        if data is None:
            return render(request, self.template_name, self.context(
                problems=[Problem(None, "", _("导入已过期或不存在,请重新上传文件。"))]), status=400)
        try:
            upload = self.parse(data, filename)
        except ImportFileError as exc:  # pragma: no cover - checked at upload
            drop_stash(request, token)
            return render(request, self.template_name, self.context(problems=exc.problems), status=400)
        outcome = run_import(self.get_resource(), upload, dry_run=False)
        drop_stash(request, token)
        if not outcome.ok:
            return render(request, self.template_name, self.context(problems=outcome.problems, outcome=outcome,
                                                                    filename=filename), status=400)
        messages.success(request, _("导入成功:新增 %(new)s 条,更新 %(updated)s 条。")
                         % {"new": outcome.new, "updated": outcome.updated})
        return redirect(self.success_url)


def problems_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False)
