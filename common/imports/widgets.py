"""Chinese widgets for django-import-export: every error a Chinese ValueError, which becomes a column error."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

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
                return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time of day
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
            "value": text
        }
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
        raise ValueError(
            _("“%(value)s”不是有效选项,可选:%(options)s。")
            % {"value": text, "options": "、".join(label for _c, label in self.choices)}
        )

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


# --- plain cell parsers (events' 活动安排表 widgets use these) ------------------------------------
def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def parse_date(value) -> dt.date:
    """A date from a cell: a real date, 2025-09-17, 2025/9/17, 2025.9.17 or 2025年9月17日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if not text:
        raise ValueError(_("日期不能为空。"))
    normalised = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    parts = normalised.split(" ")[0].split("-")
    try:
        year, month, day = (int(p) for p in parts)
        return dt.date(year, month, day)
    except (ValueError, TypeError, OverflowError):  # OverflowError: a year of 20 digits
        raise ValueError(_("“%(text)s”不是有效的日期,请填写如 2025-09-17 的日期。") % {"text": text}) from None


def parse_count(value, label: str = "人数") -> int:
    """A non-negative whole number (blank = 0); 「约200人」, 「1,200人次」, 「3万」 read as common.numbers does."""
    import math

    from common.numbers import CountNotUnderstood, read_count

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _cell_text(value).replace(",", "").replace(",", "")
    if text == "":
        return 0
    try:
        number = float(text)
    except ValueError:
        try:
            return read_count(text).value
        except CountNotUnderstood:
            number = math.nan
    # "1e400" and a number cell read as infinity are no count either: int() of them raises OverflowError
    if not math.isfinite(number):
        raise ValueError(_("“%(text)s”不是有效的整数。") % {"text": text})
    if number < 0:
        raise ValueError(_("%(label)s不能为负数(填写了 %(text)s)。") % {"label": label, "text": text})
    if number != int(number):
        raise ValueError(_("%(label)s必须是整数(填写了 %(text)s)。") % {"label": label, "text": text})
    return int(number)
